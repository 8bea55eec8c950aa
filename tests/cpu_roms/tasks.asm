; Hardware task switching (Intel SDM vol. 3 chapter 7): JMP and CALL to a
; TSS, a task gate in the GDT and in the IDT (software INT and an exception
; with an error code), IRET with NT back to the caller, busy bits, the back
; link, NT, CR0.TS, LDTR and CR3 loaded from the new TSS, and the faults for
; busy and non-busy targets.
; Build: tests/cpu_roms/build.sh (nasm -f bin -I tests/cpu_roms/ -o tasks.bin tasks.asm)
%include "common.inc"

SEL_TSS_B       equ FIRST_FREE_SEL              ; coroutine task B, with an LDT
SEL_TSS_C       equ FIRST_FREE_SEL + 0x08       ; task behind the IDT task gate
SEL_TSS_D       equ FIRST_FREE_SEL + 0x10       ; #GP handler task
SEL_TSS_E       equ FIRST_FREE_SEL + 0x18       ; task with its own page directory
SEL_GATE_B      equ FIRST_FREE_SEL + 0x20       ; task gate in the GDT for B
SEL_LDT_B       equ FIRST_FREE_SEL + 0x28       ; B's LDT
SEL_BEYOND      equ GDT_ENTRIES * 8
LDT_DATA        equ 0x04                        ; LDT entry 0, TI = 1, RPL 0
VEC_TASK_C      equ 0x40
NT              equ 0x4000
BUSY            equ 0x200
CR0_TS          equ 8
; Linear 0x00800000 is a 4 MiB page: phys 0x00c00000 in pd, 0x00800000 in pd_e.
V_SPLIT         equ 0x00800000
MARK_A          equ 0xaaaa0001
MARK_E          equ 0xeeee0001

; TSS field offsets (SDM vol. 3 figure 7-2).
T_LINK          equ 0x00
T_CR3           equ 0x1c
T_EIP           equ 0x20
T_EFLAGS        equ 0x24
T_EAX           equ 0x28
T_ESP           equ 0x38
T_ESI           equ 0x40
T_ES            equ 0x48
T_LDT           equ 0x60

main:
        call setup
        call check_jmp
        call check_call_iret
        call check_gdt_task_gate
        call check_idt_task_gate
        call check_exception_task_gate
        call check_busy_faults
        call check_cr3
        ret

; init_tss: EDI = TSS, EBX = EIP, ECX = ESP. Flat ring-0 segments, CR3 = pd.
init_tss:
        pushad
        push ecx
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        pop ecx
        sub edi, 0x68
        mov dword [edi + T_CR3], pd
        mov [edi + T_EIP], ebx
        mov dword [edi + T_EFLAGS], 2
        mov [edi + T_ESP], ecx
        mov dword [edi + T_ES], KDATA
        mov dword [edi + T_ES + 4], KCODE
        mov dword [edi + T_ES + 8], KDATA
        mov dword [edi + T_ES + 12], KDATA
        mov dword [edi + T_ES + 16], KDATA
        mov dword [edi + T_ES + 20], KDATA
        mov word [edi + 0x66], 0x68
        popad
        ret

%macro TSS_DESC 2
        mov eax, %1
        mov ebx, %2
        mov ecx, 0x67
        mov edx, 0x0089
        call set_desc
%endmacro

setup:
        mov edi, tss_b
        mov ebx, task_b
        mov ecx, stack_b_top
        call init_tss
        mov dword [tss_b + T_EAX], 0xb0b0b0b0
        mov dword [tss_b + T_LDT], SEL_LDT_B
        mov edi, tss_c
        mov ebx, task_c
        mov ecx, stack_c_top
        call init_tss
        mov edi, tss_d
        mov ebx, task_d
        mov ecx, stack_d_top
        call init_tss
        mov edi, tss_e
        mov ebx, task_e
        mov ecx, stack_e_top
        call init_tss
        mov dword [tss_e + T_CR3], pd_e
        TSS_DESC SEL_TSS_B, tss_b
        TSS_DESC SEL_TSS_C, tss_c
        TSS_DESC SEL_TSS_D, tss_d
        TSS_DESC SEL_TSS_E, tss_e
        mov eax, SEL_GATE_B
        xor ebx, ebx
        mov ecx, SEL_TSS_B
        mov edx, 0x85
        call set_gdt_gate
        mov eax, SEL_LDT_B
        mov ebx, ldt_b
        mov ecx, 15
        mov edx, 0x0082
        call set_desc
        ; LDT entry 0: a small data segment over ldt_marker.
        mov eax, ldt_marker
        mov word [ldt_b], 0x0fff
        mov [ldt_b + 2], ax
        shr eax, 16
        mov [ldt_b + 4], al
        mov byte [ldt_b + 5], 0x92
        mov byte [ldt_b + 6], 0x40
        mov [ldt_b + 7], ah
        mov dword [ldt_marker], 0x1d7da7a
        mov eax, VEC_TASK_C
        xor ebx, ebx
        mov ecx, SEL_TSS_C
        mov edx, 0x85
        call set_idt_gate
        ; Paging: identity below 4 MiB; V_SPLIT differs per page directory.
        mov dword [0x00c00000], MARK_A
        mov dword [0x00800000], MARK_E
        call paging_init
        mov dword [pd + (V_SPLIT >> 22) * 4], 0x00c00000 | PDE_PS | PTE_P | PTE_RW
        mov esi, pd
        mov edi, pd_e
        mov ecx, 1024
        rep movsd
        mov dword [pd_e + (V_SPLIT >> 22) * 4], 0x00800000 | PDE_PS | PTE_P | PTE_RW
        mov eax, cr4
        or eax, CR4_PSE
        mov cr4, eax
        call paging_on
        ret

; snapshot REC: what a task sees on entry (TR, LDTR, NT, its back link, the
; busy bits of A and of itself, CR0.TS), stored at REC.
%macro SNAPSHOT 2
        pushad
        str ax
        movzx eax, ax
        mov [%1 + 0], eax
        sldt ax
        movzx eax, ax
        mov [%1 + 4], eax
        pushfd
        pop eax
        and eax, NT
        mov [%1 + 8], eax
        movzx eax, word [%2 + T_LINK]
        mov [%1 + 12], eax
        mov eax, MAIN_TSS
        call desc_hi
        and eax, BUSY
        mov [%1 + 16], eax
        str ax
        movzx eax, ax
        call desc_hi
        and eax, BUSY
        mov [%1 + 20], eax
        mov eax, cr0
        and eax, CR0_TS
        mov [%1 + 24], eax
        clts
        popad
%endmacro

; PRINT_SNAPSHOT "label", REC, link, a_busy, nt
%macro PRINT_SNAPSHOT 5
        PRINTF %1, [%2], [%2 + 4], [%2 + 8], [%2 + 12], [%2 + 16], [%2 + 20], [%2 + 24]
        EXPECT [%2 + 8], %5
        EXPECT [%2 + 12], %3
        EXPECT [%2 + 16], %4
        EXPECT [%2 + 20], BUSY
        EXPECT [%2 + 24], CR0_TS
%endmacro

; ---- JMP to a TSS: the old task is saved and made not busy, the new one is
; busy, NT and the back link are left alone (SDM vol. 3 table 7-2).
check_jmp:
        mov esi, 0x5a5a5a5a
        mov ebp, 0x1234abcd
.f1:    jmp SEL_TSS_B:0
        mov eax, cr0
        and eax, CR0_TS
        clts
        PRINTF "jmp back to A: esi=%x ebp=%x cr0.ts=%x", esi, ebp, eax
        EXPECT esi, 0x5a5a5a5a
        EXPECT ebp, 0x1234abcd
        EXPECT eax, CR0_TS
        PRINT_SNAPSHOT "jmp to B, seen by B: tr=%w ldtr=%w nt=%x link=%w busy.A=%x busy.B=%x cr0.ts=%x", rec_b1, 0, 0, 0
        EXPECT [rec_b1], SEL_TSS_B
        EXPECT [rec_b1 + 4], SEL_LDT_B
        mov eax, [b_saved_eip]
        sub eax, .f1
        PRINTF "jmp to B, A's TSS: eip=jmp+%x esi=%x; B: eax=%x ldt.data=%x", eax, [b_saved_esi], [b_eax], [b_ldt_value]
        EXPECT eax, 7
        EXPECT [b_saved_esi], 0x5a5a5a5a
        EXPECT [b_eax], 0xb0b0b0b0
        EXPECT [b_ldt_value], 0x1d7da7a
        call busy_bits
        PRINTF "jmp back to A: busy.A=%x busy.B=%x ldtr=%w", eax, ebx, ecx
        EXPECT eax, BUSY
        EXPECT ebx, 0
        EXPECT ecx, 0
        ret

; busy_bits → EAX = busy bit of A, EBX = of B, ECX = LDTR.
busy_bits:
        mov eax, SEL_TSS_B
        call desc_hi
        and eax, BUSY
        mov ebx, eax
        mov eax, MAIN_TSS
        call desc_hi
        and eax, BUSY
        xor ecx, ecx
        sldt cx
        ret

; ---- CALL to a TSS: NT = 1 and back link = caller in the new task, both
; busy; IRET with NT = 1 returns to the back link and frees the callee.
check_call_iret:
        call SEL_TSS_B:0
        pushfd
        pop edx
        and edx, NT
        PRINT_SNAPSHOT "call to B, seen by B: tr=%w ldtr=%w nt=%x link=%w busy.A=%x busy.B=%x cr0.ts=%x", rec_b2, MAIN_TSS, BUSY, NT
        call busy_bits
        mov esi, [tss_b + T_EFLAGS]
        and esi, NT
        PRINTF "iret from B: busy.A=%x busy.B=%x nt.A=%x nt in B's saved eflags=%x", eax, ebx, edx, esi
        EXPECT eax, BUSY
        EXPECT ebx, 0
        EXPECT edx, 0
        EXPECT esi, 0
        ret

; ---- JMP through a task gate in the GDT: TR is the TSS, not the gate.
check_gdt_task_gate:
        jmp SEL_GATE_B:0
        PRINT_SNAPSHOT "jmp through a GDT task gate to B: tr=%w ldtr=%w nt=%x link=%w busy.A=%x busy.B=%x cr0.ts=%x", rec_b3, MAIN_TSS, 0, 0
        EXPECT [rec_b3], SEL_TSS_B
        ret

; The coroutine B: each entry continues where its last switch away left it.
task_b:
        mov [b_eax], eax
        mov eax, [main_tss + T_EIP]
        mov [b_saved_eip], eax
        mov eax, [main_tss + T_ESI]
        mov [b_saved_esi], eax
        SNAPSHOT rec_b1, tss_b
        mov ax, LDT_DATA
        mov es, ax
        mov eax, [es:0]
        mov [b_ldt_value], eax
        mov ax, KDATA
        mov es, ax
        jmp MAIN_TSS:0
        SNAPSHOT rec_b2, tss_b          ; entered by CALL
        iretd
        SNAPSHOT rec_b3, tss_b          ; entered through the GDT task gate
        jmp MAIN_TSS:0
        jmp $

; ---- INT n through a task gate in the IDT.
check_idt_task_gate:
.f1:    int VEC_TASK_C
        PRINT_SNAPSHOT "int through an IDT task gate to C: tr=%w ldtr=%w nt=%x link=%w busy.A=%x busy.C=%x cr0.ts=%x", rec_c, MAIN_TSS, BUSY, NT
        EXPECT [rec_c], SEL_TSS_C
        PRINTF "int through an IDT task gate to C: A's saved eip=int+%x", [c_saved_eip]
        EXPECT [c_saved_eip], 2
        ret

task_c:
        mov eax, [main_tss + T_EIP]
        sub eax, check_idt_task_gate.f1
        mov [c_saved_eip], eax
        SNAPSHOT rec_c, tss_c
        iretd
        jmp task_c

; ---- An exception through a task gate: the error code is pushed on the
; new task's stack, the old task's saved EIP is the faulting instruction.
check_exception_task_gate:
        mov eax, 13
        xor ebx, ebx
        mov ecx, SEL_TSS_D
        mov edx, 0x85
        call set_idt_gate
        TRY .r1
        mov ax, SEL_BEYOND
.f1:    mov ds, ax
        ENDTRY
.r1:    mov eax, 13
        mov ebx, exc_stub_13
        mov ecx, KCODE
        mov edx, 0x8e
        call set_idt_gate
        mov eax, [d_saved_eip]
        sub eax, .f1
        mov ebx, stack_d_top
        sub ebx, [d_esp]
        PRINTF "gp through a task gate: err=%x A's saved eip=fault+%x D's esp=top-%x", [d_err], eax, ebx
        EXPECT [d_err], SEL_BEYOND
        EXPECT eax, 0
        EXPECT ebx, 4
        PRINT_SNAPSHOT "gp through a task gate, seen by D: tr=%w ldtr=%w nt=%x link=%w busy.A=%x busy.D=%x cr0.ts=%x", rec_d, MAIN_TSS, BUSY, NT
        ret

; Sends A back to its TRY point, as the double-fault task of exceptions.asm.
task_d:
        mov [d_esp], esp
        pop eax
        mov [d_err], eax
        mov eax, [main_tss + T_EIP]
        mov [d_saved_eip], eax
        SNAPSHOT rec_d, tss_d
        mov eax, [resume_eip]
        mov [main_tss + T_EIP], eax
        mov dword [resume_eip], 0
        mov eax, [resume_esp]
        mov [main_tss + T_ESP], eax
        mov dword [main_tss + T_EFLAGS], 2
        iretd
        jmp task_d

; ---- Busy and non-busy targets (SDM vol. 3 §7.3): CALL or JMP to a busy
; TSS is #GP(selector); IRET with NT to a TSS that is not busy is #TS(selector).
check_busy_faults:
        TRY .r1
.f1:    call MAIN_TSS:0
        ENDTRY
.r1:    REPORT "call to the running (busy) task: vec=%b err=%x eip=fault+%x", .f1
        EXPECT_EXC 13, MAIN_TSS, .f1, 0
        TRY .r2
.f2:    jmp MAIN_TSS:0
        ENDTRY
.r2:    REPORT "jmp to the running (busy) task: vec=%b err=%x eip=fault+%x", .f2
        EXPECT_EXC 13, MAIN_TSS, .f2, 0
        mov word [main_tss + T_LINK], SEL_TSS_C
        TRY .r3
        pushfd
        or dword [esp], NT
        popfd
.f3:    iretd
        ENDTRY
.r3:    mov word [main_tss + T_LINK], 0
        REPORT "iret with NT to a task that is not busy: vec=%b err=%x eip=fault+%x", .f3
        EXPECT_EXC 10, SEL_TSS_C, .f3, 0
        ret

; ---- CR3 comes from the new TSS; switching back restores A's.
check_cr3:
        call SEL_TSS_E:0
        mov eax, cr3
        mov ebx, [V_SPLIT]
        PRINTF "cr3 per task: E cr3=%x value=%x; back in A cr3=%x value=%x", [e_cr3], [e_value], eax, ebx
        EXPECT [e_cr3], pd_e
        EXPECT [e_value], MARK_E
        EXPECT eax, pd
        EXPECT ebx, MARK_A
        ret

task_e:
        mov eax, cr3
        mov [e_cr3], eax
        mov eax, [V_SPLIT]
        mov [e_value], eax
        iretd
        jmp task_e

        section .bss
        alignb 4096
pd_e:           resb 4096
        alignb 16
tss_b:          resb 0x68
tss_c:          resb 0x68
tss_d:          resb 0x68
tss_e:          resb 0x68
        alignb 8
ldt_b:          resq 2
ldt_marker:     resd 1
rec_b1:         resd 7
rec_b2:         resd 7
rec_b3:         resd 7
rec_c:          resd 7
rec_d:          resd 7
b_eax:          resd 1
b_saved_eip:    resd 1
b_saved_esi:    resd 1
b_ldt_value:    resd 1
c_saved_eip:    resd 1
d_err:          resd 1
d_esp:          resd 1
d_saved_eip:    resd 1
e_cr3:          resd 1
e_value:        resd 1
        alignb 16
                resb 4096
stack_b_top:
                resb 4096
stack_c_top:
                resb 4096
stack_d_top:
                resb 4096
stack_e_top:
KERNEL_END
