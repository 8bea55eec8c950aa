; Exceptions 0–19 from protected mode (Intel SDM vol. 3 chapter 6): vector,
; error code and saved EIP relative to the faulting instruction (faults save
; the instruction, traps the next one), CR2 and the page-fault error code,
; contributory and benign combinations (table 6-5), and a double fault
; handled through a task gate when the stack itself is gone.
; Build: tests/cpu_roms/build.sh (nasm -f bin -I tests/cpu_roms/ -o exceptions.bin exceptions.asm)
%include "common.inc"

SEL_XONLY       equ FIRST_FREE_SEL          ; execute-only code
SEL_NP_DATA     equ FIRST_FREE_SEL + 0x08   ; writable data, not present
SEL_SHORT_TSS   equ FIRST_FREE_SEL + 0x10   ; 32-bit TSS with a limit below 0x67
SEL_DF_TSS      equ FIRST_FREE_SEL + 0x18   ; the double-fault task
SEL_BEYOND      equ GDT_ENTRIES * 8         ; first selector past the GDT limit

PAGE_NP         equ 0x00300000              ; not present
PAGE_RO         equ 0x00301000              ; present, read-only, user
PAGE_SUP        equ 0x00302000              ; present, writable, supervisor only
PAGE_NP_STACK   equ 0x00303000              ; not present (a stack that faults)

main:
        call setup
        call check_de
        call check_db
        call check_bp_of_br
        call check_ud_nm
        call check_gp
        call check_np_ss_ts
        call check_pf
        call check_df
        call check_mf
        ret

setup:
        mov eax, SEL_XONLY
        xor ebx, ebx
        mov ecx, 0xfffff
        mov edx, 0xc098
        call set_desc
        mov eax, SEL_NP_DATA
        mov edx, 0xc012
        call set_desc
        mov eax, SEL_SHORT_TSS
        mov ebx, short_tss
        mov ecx, 0x50
        mov edx, 0x0089
        call set_desc
        ; The double-fault task: its own stack, flat kernel segments, CR3 = pd.
        mov dword [df_tss + 0x1c], pd
        mov dword [df_tss + 0x20], df_task
        mov dword [df_tss + 0x24], 0x2
        mov dword [df_tss + 0x38], df_stack_top
        mov dword [df_tss + 0x48], KDATA
        mov dword [df_tss + 0x4c], KCODE
        mov dword [df_tss + 0x50], KDATA
        mov dword [df_tss + 0x54], KDATA
        mov dword [df_tss + 0x58], KDATA
        mov dword [df_tss + 0x5c], KDATA
        mov word [df_tss + 0x66], 0x68
        mov eax, SEL_DF_TSS
        mov ebx, df_tss
        mov ecx, 0x67
        mov edx, 0x0089
        call set_desc
        mov eax, 8
        xor ebx, ebx
        mov ecx, SEL_DF_TSS
        mov edx, 0x85
        call set_idt_gate
        ; Identity paging with the four test pages.
        call paging_init
        mov dword [pt0 + (PAGE_NP >> 12) * 4], 0
        mov dword [pt0 + (PAGE_RO >> 12) * 4], PAGE_RO | PTE_P | PTE_US
        mov dword [pt0 + (PAGE_SUP >> 12) * 4], PAGE_SUP | PTE_P | PTE_RW
        mov dword [pt0 + (PAGE_NP_STACK >> 12) * 4], 0
        call paging_on
        ret

; ---- #DE: DIV by zero and IDIV overflow are faults (EIP = the DIV).
check_de:
        TRY .r1
        xor ecx, ecx
        mov eax, 1
        xor edx, edx
.f1:    div ecx
        ENDTRY
.r1:    REPORT "de div by zero: vec=%b err=%x eip=fault+%x", .f1
        EXPECT_EXC 0, NO_ERR, .f1, 0
        TRY .r2
        mov eax, 0x80000000
        cdq
        mov ecx, -1
.f2:    idiv ecx
        ENDTRY
.r2:    REPORT "de idiv overflow: vec=%b err=%x eip=fault+%x", .f2
        EXPECT_EXC 0, NO_ERR, .f2, 0
        TRY .r3
.f3:    aam 0
        ENDTRY
.r3:    REPORT "de aam 0: vec=%b err=%x eip=fault+%x", .f3
        EXPECT_EXC 0, NO_ERR, .f3, 0
        ret

; ---- #DB: TF set by POPF traps after the instruction that follows the POPF,
; with DR6.BS set (SDM vol. 3 §17.3.1.4).
check_db:
        xor eax, eax
        mov dr6, eax
        TRY .r1
        pushfd
        or dword [esp], 0x100
        popfd
.f1:    nop
        nop
        ENDTRY
.r1:    mov eax, dr6
        mov ebx, [exc_eip]
        sub ebx, .f1
        PRINTF "db single step: vec=%b eip=fault+%x dr6=%x", [exc_vec], ebx, eax
        EXPECT [exc_vec], 1
        EXPECT ebx, 1
        and eax, 0x4000
        EXPECT eax, 0x4000
        ; MOV SS holds debug traps off until after the next instruction
        ; (SDM vol. 3 §6.8.3): the first trap comes after the NOP behind it.
        TRY .r2
        mov ax, ss
        pushfd
        or dword [esp], 0x100
        popfd
.f2:    mov ss, ax
        nop
        nop
        ENDTRY
.r2:    REPORT "db single step over mov ss: vec=%b err=%x eip=fault+%x", .f2
        EXPECT_EXC 1, NO_ERR, .f2, 3
        ret

; ---- #BP, #OF are traps (EIP = next instruction); #BR is a fault.
check_bp_of_br:
        TRY_IRET
.f1:    int3
        REPORT "bp int3: vec=%b err=%x eip=fault+%x", .f1
        EXPECT_EXC 3, NO_ERR, .f1, 1
        TRY_IRET
.f2:    int 3
        REPORT "bp int 3: vec=%b err=%x eip=fault+%x", .f2
        EXPECT_EXC 3, NO_ERR, .f2, 2
        TRY_IRET
        mov al, 0x7f
        add al, 1                       ; OF = 1
.f3:    into
        REPORT "of into with OF=1: vec=%b err=%x eip=fault+%x", .f3
        EXPECT_EXC 4, NO_ERR, .f3, 1
        TRY .r4
        xor eax, eax                    ; OF = 0
.f4:    into
        ENDTRY
.r4:    PRINTF "of into with OF=0: vec=%b", [exc_vec]
        EXPECT [exc_vec], NO_VEC
        TRY .r5
        mov eax, 25
.f5:    bound eax, [bounds]
        ENDTRY
.r5:    REPORT "br bound 25 outside 10..20: vec=%b err=%x eip=fault+%x", .f5
        EXPECT_EXC 5, NO_ERR, .f5, 0
        TRY .r6
        mov eax, 20
.f6:    bound eax, [bounds]
        ENDTRY
.r6:    PRINTF "br bound 20 inside 10..20: vec=%b", [exc_vec]
        EXPECT [exc_vec], NO_VEC
        ret

; ---- #UD and #NM.
check_ud_nm:
        TRY .r1
.f1:    ud2
        ENDTRY
.r1:    REPORT "ud ud2: vec=%b err=%x eip=fault+%x", .f1
        EXPECT_EXC 6, NO_ERR, .f1, 0
        TRY .r2
.f2:    db 0xf0                         ; LOCK on a register-only instruction
        add eax, ebx
        ENDTRY
.r2:    REPORT "ud lock add reg,reg: vec=%b err=%x eip=fault+%x", .f2
        EXPECT_EXC 6, NO_ERR, .f2, 0
        TRY .r4
.f4:    db 0xc5, 0xc0                   ; lds eax, eax: a register where memory is needed
        ENDTRY
.r4:    REPORT "ud lds with a register operand: vec=%b err=%x eip=fault+%x", .f4
        EXPECT_EXC 6, NO_ERR, .f4, 0
        TRY .r5
.f5:    db 0x8e, 0xc8                   ; mov cs, ax
        ENDTRY
.r5:    REPORT "ud mov cs,ax: vec=%b err=%x eip=fault+%x", .f5
        EXPECT_EXC 6, NO_ERR, .f5, 0
        ; CR0.TS makes the next x87 instruction raise #NM (SDM vol. 3 §2.5).
        mov eax, cr0
        or eax, 8
        mov cr0, eax
        TRY .r3
.f3:    fninit
        ENDTRY
.r3:    clts
        REPORT "nm fninit with CR0.TS: vec=%b err=%x eip=fault+%x", .f3
        EXPECT_EXC 7, NO_ERR, .f3, 0
        ret

; ---- #GP: error code = selector for descriptor-load faults, IDT index for
; gate faults (index * 8 + 2), 0 otherwise.
check_gp:
        TRY .r1
        mov ax, SEL_BEYOND
.f1:    mov ds, ax
        ENDTRY
.r1:    REPORT "gp selector past the GDT limit: vec=%b err=%x eip=fault+%x", .f1
        EXPECT_EXC 13, SEL_BEYOND, .f1, 0
        TRY .r2
        xor eax, eax
.f2:    mov ss, ax
        ENDTRY
.r2:    REPORT "gp null SS: vec=%b err=%x eip=fault+%x", .f2
        EXPECT_EXC 13, 0, .f2, 0
        TRY .r3
        mov ax, UDATA
.f3:    mov ss, ax
        ENDTRY
.r3:    REPORT "gp SS with RPL and DPL 3 at CPL 0: vec=%b err=%x eip=fault+%x", .f3
        EXPECT_EXC 13, UDATA & 0xfffc, .f3, 0
        TRY .r4
        mov ax, SEL_XONLY
.f4:    mov es, ax
        ENDTRY
.r4:    REPORT "gp execute-only code into ES: vec=%b err=%x eip=fault+%x", .f4
        EXPECT_EXC 13, SEL_XONLY, .f4, 0
        TRY .r5
.f5:    jmp KDATA:0
        ENDTRY
.r5:    REPORT "gp far jmp to a data segment: vec=%b err=%x eip=fault+%x", .f5
        EXPECT_EXC 13, KDATA, .f5, 0
        ; 15 bytes is the longest instruction (SDM vol. 2 §2.3.11).
        TRY .r8
        xor eax, eax
.f8:    times 10 db 0x3e
        add eax, 0x12345678             ; 10 prefixes + 5 bytes = 15
        ENDTRY
.r8:    PRINTF "gp 15-byte instruction runs: vec=%b eax=%x", [exc_vec], eax
        EXPECT [exc_vec], NO_VEC
        TRY .r9
.f9:    times 11 db 0x3e
        add eax, 0x12345678             ; 16 bytes
        ENDTRY
.r9:    REPORT "gp 16-byte instruction: vec=%b err=%x eip=fault+%x", .f9
        EXPECT_EXC 13, 0, .f9, 0
        ; INT n past the IDT limit, and through an empty (invalid type) entry.
        lidt [short_idt_desc]
        TRY .r6
.f6:    int 0x20
        ENDTRY
.r6:    lidt [idt_desc]
        REPORT "gp int 0x20 past the IDT limit: vec=%b err=%x eip=fault+%x", .f6
        EXPECT_EXC 13, 0x20 * 8 + 2, .f6, 0
        TRY .r7
.f7:    int 0x21
        ENDTRY
.r7:    REPORT "gp int 0x21 through an empty IDT entry: vec=%b err=%x eip=fault+%x", .f7
        EXPECT_EXC 13, 0x21 * 8 + 2, .f7, 0
        ret

; ---- #NP, #SS, #TS.
check_np_ss_ts:
        TRY .r1
        mov ax, SEL_NP_DATA
.f1:    mov ds, ax
        ENDTRY
.r1:    REPORT "np data segment into DS: vec=%b err=%x eip=fault+%x", .f1
        EXPECT_EXC 11, SEL_NP_DATA, .f1, 0
        ; A not-present gate (P=0, otherwise a valid interrupt gate).
        mov eax, 0x22
        mov ebx, exc_stub_0
        mov ecx, KCODE
        mov edx, 0x0e
        call set_idt_gate
        TRY .r2
.f2:    int 0x22
        ENDTRY
.r2:    REPORT "np int 0x22 through a not-present gate: vec=%b err=%x eip=fault+%x", .f2
        EXPECT_EXC 11, 0x22 * 8 + 2, .f2, 0
        ; INT3 is benign: a #NP while delivering it is delivered as is.
        and byte [idt + 3 * 8 + 5], 0x7f
        TRY .r3
.f3:    int3
        ENDTRY
.r3:    or byte [idt + 3 * 8 + 5], 0x80
        REPORT "np int3 through a not-present gate: vec=%b err=%x eip=fault+%x", .f3
        EXPECT_EXC 11, 3 * 8 + 2, .f3, 0
        TRY .r4
        mov ax, SEL_NP_DATA
.f4:    mov ss, ax
        ENDTRY
.r4:    REPORT "ss not-present segment into SS: vec=%b err=%x eip=fault+%x", .f4
        EXPECT_EXC 12, SEL_NP_DATA, .f4, 0
        TRY .r5
.f5:    jmp SEL_SHORT_TSS:0
        ENDTRY
.r5:    REPORT "ts jmp to a TSS with limit 0x50: vec=%b err=%x eip=fault+%x", .f5
        EXPECT_EXC 10, SEL_SHORT_TSS, .f5, 0
        ret

; ---- #PF: CR2 = linear address; error code P (bit 0), W/R (1), U/S (2).
check_pf:
        TRY .r1
.f1:    mov eax, [PAGE_NP + 0x10]
        ENDTRY
.r1:    mov ebx, cr2
        REPORT "pf read not present: vec=%b err=%x eip=fault+%x", .f1
        PRINTF "pf read not present: cr2=%x", ebx
        EXPECT_EXC 14, 0, .f1, 0
        EXPECT ebx, PAGE_NP + 0x10
        TRY .r2
.f2:    mov dword [PAGE_NP + 0x24], 1
        ENDTRY
.r2:    mov ebx, cr2
        REPORT "pf write not present: vec=%b err=%x eip=fault+%x", .f2
        PRINTF "pf write not present: cr2=%x", ebx
        EXPECT_EXC 14, 2, .f2, 0
        EXPECT ebx, PAGE_NP + 0x24
        ; Instruction fetch: EIP and CR2 are the target (no I/D bit without PAE+NX).
        TRY .r3
        mov eax, PAGE_NP + 0x30
        jmp eax
        ENDTRY
.r3:    mov ebx, cr2
        PRINTF "pf fetch not present: vec=%b err=%x eip=%x cr2=%x", [exc_vec], [exc_err], [exc_eip], ebx
        EXPECT_EXC 14, 0, PAGE_NP + 0x30, 0
        EXPECT ebx, PAGE_NP + 0x30
        ; Supervisor writes to a read-only page succeed while CR0.WP = 0.
        TRY .r4
.f4:    mov dword [PAGE_RO + 0x40], 0x1234
        ENDTRY
.r4:    PRINTF "pf supervisor write to read-only page with WP=0: vec=%b", [exc_vec]
        EXPECT [exc_vec], NO_VEC
        mov eax, cr0
        or eax, CR0_WP
        mov cr0, eax
        TRY .r5
.f5:    mov dword [PAGE_RO + 0x44], 0x5678
        ENDTRY
.r5:    mov eax, cr0
        and eax, ~CR0_WP
        mov cr0, eax
        mov ebx, cr2
        REPORT "pf supervisor write to read-only page with WP=1: vec=%b err=%x eip=fault+%x", .f5
        PRINTF "pf supervisor write to read-only page with WP=1: cr2=%x", ebx
        EXPECT_EXC 14, 3, .f5, 0
        EXPECT ebx, PAGE_RO + 0x44
        ; From ring 3: U/S set in the error code.
        TRY .r6
        mov eax, user_write_ro
        call run_user
        ENDTRY
.r6:    mov ebx, cr2
        REPORT "pf user write to read-only page: vec=%b err=%x eip=fault+%x", user_write_ro.f
        PRINTF "pf user write to read-only page: cr2=%x cs=%x ss=%x", ebx, [exc_cs], [exc_ss]
        EXPECT_EXC 14, 7, user_write_ro.f, 0
        EXPECT ebx, PAGE_RO + 0x48
        TRY .r7
        mov eax, user_read_sup
        call run_user
        ENDTRY
.r7:    mov ebx, cr2
        REPORT "pf user read of supervisor page: vec=%b err=%x eip=fault+%x", user_read_sup.f
        PRINTF "pf user read of supervisor page: cr2=%x", ebx
        EXPECT_EXC 14, 5, user_read_sup.f, 0
        EXPECT ebx, PAGE_SUP + 0x4c
        TRY .r8
        mov eax, user_read_np
        call run_user
        ENDTRY
.r8:    mov ebx, cr2
        REPORT "pf user read not present: vec=%b err=%x eip=fault+%x", user_read_np.f
        PRINTF "pf user read not present: cr2=%x", ebx
        EXPECT_EXC 14, 4, user_read_np.f, 0
        EXPECT ebx, PAGE_NP + 0x50
        ret

user_write_ro:
.f:     mov dword [PAGE_RO + 0x48], 1
        int USER_EXIT_VEC
user_read_sup:
.f:     mov eax, [PAGE_SUP + 0x4c]
        int USER_EXIT_VEC
user_read_np:
.f:     mov eax, [PAGE_NP + 0x50]
        int USER_EXIT_VEC

; ---- #DF through the task gate at IDT[8]. The saved EIP of a double fault is
; undefined (SDM vol. 3 §6.15, interrupt 8), so only the error code (always 0),
; CR2 and the task linkage are checked.
check_df:
        ; #GP while IDT[13] is not present: #NP during #GP (contributory twice).
        and byte [idt + 13 * 8 + 5], 0x7f
        TRY .r1
        mov ax, SEL_BEYOND
        mov ds, ax
        ENDTRY
.r1:    or byte [idt + 13 * 8 + 5], 0x80
        PRINTF "df gp with IDT[13] not present: vec=%b err=%x link=%w eflags.nt=%x", [exc_vec], [exc_err], [df_link], [df_nt]
        EXPECT [exc_vec], 8
        EXPECT [exc_err], 0
        EXPECT [df_link], MAIN_TSS
        EXPECT [df_nt], 0x4000
        PRINTF "df gp with IDT[13] not present: busy main=%x df=%x", [df_main_busy], [df_self_busy]
        EXPECT [df_main_busy], 0x200
        EXPECT [df_self_busy], 0x200
        mov eax, SEL_DF_TSS
        call desc_hi
        and eax, 0x200
        PRINTF "df task after its iret: busy=%x", eax
        EXPECT eax, 0
        ; #PF whose frame push hits a not-present stack page: #PF during #PF.
        TRY .r2
        mov esp, PAGE_NP_STACK + 0x1000
        mov eax, [PAGE_NP + 0x60]
        ENDTRY
.r2:    mov ebx, [df_cr2]
        and ebx, 0xfffff000
        PRINTF "df pf with a not-present stack: vec=%b err=%x cr2.page=%x", [exc_vec], [exc_err], ebx
        EXPECT [exc_vec], 8
        EXPECT [exc_err], 0
        EXPECT ebx, PAGE_NP_STACK
        ; #DE with IDT[0] not present: #NP during #DE is also a double fault.
        and byte [idt + 0 * 8 + 5], 0x7f
        TRY .r3
        xor ecx, ecx
        div ecx
        ENDTRY
.r3:    or byte [idt + 0 * 8 + 5], 0x80
        PRINTF "df de with IDT[0] not present: vec=%b err=%x", [exc_vec], [exc_err]
        EXPECT [exc_vec], 8
        EXPECT [exc_err], 0
        ret

; The double-fault task. Entered through the task gate with the error code on
; its stack; sends the interrupted task back to its TRY point and returns to
; it with IRET (NT = 1, back link = the interrupted task).
df_task:
        pop eax
        mov [exc_err], eax
        mov dword [exc_vec], 8
        mov eax, cr2
        mov [df_cr2], eax
        movzx eax, word [df_tss]
        mov [df_link], eax
        pushfd
        pop eax
        and eax, 0x4000
        mov [df_nt], eax
        mov eax, MAIN_TSS
        call desc_hi
        and eax, 0x200
        mov [df_main_busy], eax
        mov eax, SEL_DF_TSS
        call desc_hi
        and eax, 0x200
        mov [df_self_busy], eax
        mov eax, [resume_eip]
        mov [main_tss + 0x20], eax
        mov dword [resume_eip], 0
        mov eax, [resume_esp]
        mov [main_tss + 0x38], eax
        mov dword [main_tss + 0x24], 0x2
        mov dword [main_tss + 0x48], KDATA
        mov dword [main_tss + 0x4c], KCODE
        mov dword [main_tss + 0x50], KDATA
        mov dword [main_tss + 0x54], KDATA
        mov dword [main_tss + 0x58], KDATA
        mov dword [main_tss + 0x5c], KDATA
        iretd
        jmp df_task

; ---- #MF: an unmasked x87 exception is reported at the next waiting x87
; instruction when CR0.NE = 1 (SDM vol. 1 §8.7).
check_mf:
        mov eax, cr0
        or eax, 0x20                    ; NE
        and eax, ~0xc                   ; EM, TS
        mov cr0, eax
        TRY .r1
        fninit
        fldcw [fpu_cw_zm_clear]
        fld1
        fldz
        ; 1 / 0 with ZE unmasked: pending. FDIV rather than FDIVP: with the
        ; exception unmasked TOP must stay unchanged (SDM vol. 1 §8.5.3),
        ; which QEMU does not do for the popping form.
        fdiv st1, st0
.f1:    fwait
        ENDTRY
.r1:    REPORT "mf fwait after unmasked divide by zero: vec=%b err=%x eip=fault+%x", .f1
        EXPECT_EXC 16, NO_ERR, .f1, 0
        TRY .r2
        fnstsw [fsw_seen]
        fninit
        ENDTRY
.r2:    PRINTF "mf fwait after unmasked divide by zero: fsw=%w", [fsw_seen]
        EXPECT [fsw_seen], 0xb084       ; B, TOP = 6, ES, ZE
        ret

        align 4
bounds:         dd 10, 20
fpu_cw_zm_clear: dw 0x037b
        align 8
short_idt_desc:
        dw 0x20 * 8 - 1                 ; vectors 0..0x1f only
        dd idt

        section .bss
        alignb 16
short_tss:      resb 0x68
df_tss:         resb 0x68
df_cr2:         resd 1
fsw_seen:       resd 1
df_link:        resd 1
df_nt:          resd 1
df_main_busy:   resd 1
df_self_busy:   resd 1
                resb 4096
df_stack_top:
KERNEL_END
