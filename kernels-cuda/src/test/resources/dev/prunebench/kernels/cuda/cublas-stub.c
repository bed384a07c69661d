/* A stand-in for libcublas.so.13 with the entry points CublasFfm binds: each call appends one line with its
 * arguments to a log, and returns the status set for it by stub_fail (CUBLAS_STATUS_SUCCESS otherwise).
 * Built by CublasFfmStubTest with gcc -shared -fPIC; never shipped. */
#include <stdio.h>
#include <string.h>

static char log_buf[8192];
static char fail_name[64];
static int fail_status;
static int handle_storage;
static int math_mode;

static void note(const char *line) {
    size_t used = strlen(log_buf);
    if (used + strlen(line) + 2 < sizeof log_buf) { strcat(log_buf, line); strcat(log_buf, "\n"); }
}
static int status_of(const char *fn) { return strcmp(fn, fail_name) == 0 ? fail_status : 0; }

const char *stub_log(void) { return log_buf; }
void stub_reset(void) { log_buf[0] = 0; fail_name[0] = 0; fail_status = 0; math_mode = -1; }
void stub_fail(const char *fn, int status) { snprintf(fail_name, sizeof fail_name, "%s", fn); fail_status = status; }

int cublasCreate_v2(void **handle) {
    char l[128]; *handle = &handle_storage; snprintf(l, sizeof l, "cublasCreate_v2"); note(l);
    return status_of("cublasCreate_v2");
}
int cublasDestroy_v2(void *handle) {
    char l[128]; snprintf(l, sizeof l, "cublasDestroy_v2 handle_ok=%d", handle == &handle_storage); note(l);
    return status_of("cublasDestroy_v2");
}
int cublasSetStream_v2(void *handle, void *stream) {
    char l[128]; snprintf(l, sizeof l, "cublasSetStream_v2 handle_ok=%d stream=%#lx", handle == &handle_storage, (unsigned long) stream); note(l);
    return status_of("cublasSetStream_v2");
}
int cublasSetMathMode(void *handle, int mode) {
    char l[128]; math_mode = mode; snprintf(l, sizeof l, "cublasSetMathMode handle_ok=%d mode=%d", handle == &handle_storage, mode); note(l);
    return status_of("cublasSetMathMode");
}
int cublasGetMathMode(void *handle, int *mode) {
    char l[128]; *mode = math_mode; snprintf(l, sizeof l, "cublasGetMathMode handle_ok=%d", handle == &handle_storage); note(l);
    return status_of("cublasGetMathMode");
}
int cublasGetVersion_v2(void *handle, int *version) {
    char l[128]; *version = 130001; snprintf(l, sizeof l, "cublasGetVersion_v2 handle_ok=%d", handle == &handle_storage); note(l);
    return status_of("cublasGetVersion_v2");
}
int cublasSgemm_v2(void *handle, int transa, int transb, int m, int n, int k, const float *alpha, const float *A, int lda,
                   const float *B, int ldb, const float *beta, float *C, int ldc) {
    char l[512];
    snprintf(l, sizeof l, "cublasSgemm_v2 handle_ok=%d transa=%d transb=%d m=%d n=%d k=%d alpha=%g A=%#lx lda=%d B=%#lx ldb=%d beta=%g C=%#lx ldc=%d",
             handle == &handle_storage, transa, transb, m, n, k, *alpha, (unsigned long) A, lda, (unsigned long) B, ldb, *beta,
             (unsigned long) C, ldc);
    note(l);
    return status_of("cublasSgemm_v2");
}
