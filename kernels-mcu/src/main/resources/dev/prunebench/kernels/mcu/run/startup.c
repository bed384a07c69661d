/* prunebench kernels-mcu: minimal start-up for QEMU's mps2-an386 (Cortex-M4): vector table, reset handler that
 * copies .data from flash, zeroes .bss and calls main; empty _init/_fini for newlib's semihosting runtime. */
#include <stdint.h>

extern uint32_t __stack_top, __data_load, __data_start, __data_end, __bss_start, __bss_end;
extern int main(void);
extern void exit(int);
void _init(void) {}
void _fini(void) {}
void reset_handler(void);

/* Any fault parks the core; the runner's timeout then reports it. */
static void fault_handler(void) { for (;;) {} }

__attribute__((section(".vectors"), used))
const void *const vector_table[16] = {
    &__stack_top, (const void *) reset_handler,
    fault_handler, fault_handler, fault_handler, fault_handler, fault_handler, 0, 0, 0, 0,
    fault_handler, fault_handler, 0, fault_handler, fault_handler,
};

void reset_handler(void) {
    uint32_t *s = &__data_load, *d = &__data_start;
    while (d < &__data_end) *d++ = *s++;
    for (d = &__bss_start; d < &__bss_end;) *d++ = 0;
    exit(main());
}
