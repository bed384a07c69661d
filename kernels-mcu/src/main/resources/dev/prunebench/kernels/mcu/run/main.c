/* prunebench kernels-mcu: the measuring harness. Runs layer() once and prints Y (hex, semihosting), then counts
 * executed instructions with SysTick under QEMU -icount shift=0 (one tick per 40 instructions): LAYER_REPS calls of
 * layer() and LAYER_REPS calls of an empty function through the same loop; the difference of the two tick counts,
 * times 40, divided by LAYER_REPS, is the layer's instructions beyond a call of `bx lr` (see docs/mcu.md). */
#include <stdint.h>
#include <stdio.h>

extern void initialise_monitor_handles(void);
extern void layer(void);
extern int16_t Y[];
extern const uint32_t LAYER_OUTPUTS, LAYER_REPS;
/* 1 when the layer's Y is int8 (q7); q15 layers do not define it (weak: its address is then 0) and Y is int16. */
extern const uint32_t LAYER_Y_BYTES __attribute__((weak));

#define SYST_CSR (*(volatile uint32_t *) 0xE000E010)
#define SYST_RVR (*(volatile uint32_t *) 0xE000E014)
#define SYST_CVR (*(volatile uint32_t *) 0xE000E018)

/* Exactly one instruction. */
__attribute__((naked, noinline)) void empty_call(void) { __asm__ volatile("bx lr"); }

__attribute__((noinline)) static uint32_t measure(void (*f)(void), uint32_t reps, uint32_t *wrapped) {
    (void) SYST_CSR; /* clears COUNTFLAG */
    uint32_t t0 = SYST_CVR;
    __asm__ volatile("" ::: "memory");
    for (uint32_t i = 0; i < reps; i++) {
        f();
        __asm__ volatile("" ::: "memory");
    }
    uint32_t t1 = SYST_CVR;
    __asm__ volatile("" ::: "memory");
    *wrapped |= (SYST_CSR >> 16) & 1u;
    return (t0 - t1) & 0xFFFFFFu;
}

int main(void) {
    initialise_monitor_handles();
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 5u; /* processor clock, no interrupt, enabled */
    for (volatile int i = 0; i < 100; i++) {}
    layer();
    printf("Y %lu\n", (unsigned long) LAYER_OUTPUTS);
    int q7 = &LAYER_Y_BYTES != 0 && LAYER_Y_BYTES == 1u;
    for (uint32_t i = 0; i < LAYER_OUTPUTS; i++) {
        int v = q7 ? ((const int8_t *) Y)[i] : Y[i];
        printf("%04x%c", (unsigned) (uint16_t) v, (i % 16u == 15u || i + 1u == LAYER_OUTPUTS) ? '\n' : ' ');
    }
    uint32_t wrapped = 0;
    uint32_t tk = measure(layer, LAYER_REPS, &wrapped);
    uint32_t te = measure(empty_call, LAYER_REPS, &wrapped);
    printf("R %lu\nTK %lu\nTE %lu\nWRAP %lu\nEND\n", (unsigned long) LAYER_REPS, (unsigned long) tk,
           (unsigned long) te, (unsigned long) wrapped);
    return 0;
}
