; Leaving and re-entering protected mode (Intel SDM vol. 3 §9.9): through a
; 16-bit code segment to real mode, interrupts and exceptions through an IVT
; placed by LIDT, segment arithmetic, a data segment that keeps its 4 GiB
; limit from protected mode ("unreal" mode: real-mode loads change only the
; base, §20.1.1), and back to 32-bit protected mode.
; Build: tests/cpu_roms/build.sh (nasm -f bin -I tests/cpu_roms/ -o realmode.bin realmode.asm)
%include "common.inc"

SEL_CODE16      equ FIRST_FREE_SEL              ; 16-bit code, base 0, limit 0xffff
SEL_DATA16      equ FIRST_FREE_SEL + 0x08       ; 16-bit data, base 0, limit 0xffff
RM_BASE         equ 0x8000                      ; where the real-mode code runs
IVT_BASE        equ 0x9000                      ; IDTR base while in real mode
RM_STACK        equ 0x7000
SEG_MARK        equ 0x5e6d0123                  ; at linear 0x12340
UNREAL_ADDR     equ 0x00200000
UNREAL_MARK     equ 0x0bea4a11                  ; at linear 0x200000

; RM(label): the address of a label of the real-mode block once copied.
%define RM(x) ((x) - rm_start + RM_BASE)

main:
        mov eax, SEL_CODE16
        xor ebx, ebx
        mov ecx, 0xffff
        mov edx, 0x009a
        call set_desc
        mov eax, SEL_DATA16
        mov edx, 0x0092
        call set_desc
        mov esi, rm_start
        mov edi, RM_BASE
        mov ecx, rm_end - rm_start
        rep movsb
        ; The IVT at IVT_BASE: vectors 0 (#DE), 6 (#UD) and 0x80.
        mov dword [IVT_BASE + 0x00 * 4], RM(rm_de)
        mov dword [IVT_BASE + 0x06 * 4], RM(rm_ud)
        mov dword [IVT_BASE + 0x80 * 4], RM(rm_int80)
        mov dword [0x12340], SEG_MARK
        mov dword [UNREAL_ADDR], UNREAL_MARK
        mov [saved_esp], esp
        jmp SEL_CODE16:RM(rm_start)
pm_back:
        mov ax, KDATA
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, [saved_esp]
        lidt [idt_desc]
        call report
        ret

report:
        PRINTF "real mode: cr0.pe=%x cs=%w", [RM(rec_msw)], [RM(rec_cs)]
        EXPECT [RM(rec_msw)], 0
        EXPECT [RM(rec_cs)], 0
        mov eax, [RM(rec_int_ip)]
        sub eax, RM(rm_int_insn)
        PRINTF "real mode int 0x80 via IVT at 0x9000: sp.delta=%x ip=int+%x cs=%w flags.if=%x", [RM(rec_int_sp)], eax, [RM(rec_int_cs)], [RM(rec_int_flags)]
        EXPECT [RM(rec_int_sp)], 6
        EXPECT eax, 2
        EXPECT [RM(rec_int_cs)], 0
        EXPECT [RM(rec_int_flags)], 0x200
        PRINTF "real mode int 0x80: handler flags.if|tf=%x, after iret flags.if=%x ax=%x", [RM(rec_handler_flags)], [RM(rec_after_flags)], [RM(rec_int_ax)]
        EXPECT [RM(rec_handler_flags)], 0
        EXPECT [RM(rec_after_flags)], 0x200
        EXPECT [RM(rec_int_ax)], 0x8080
        mov eax, [RM(rec_de_ip)]
        sub eax, RM(rm_div_insn)
        mov ebx, [RM(rec_ud_ip)]
        sub ebx, RM(rm_ud_insn)
        PRINTF "real mode faults via IVT: de ip=fault+%x ud ip=fault+%x", eax, ebx
        EXPECT eax, 0
        EXPECT ebx, 0
        PRINTF "real mode segments: es=0x1234 [es:0]=%x unreal [ds:0x200000]=%x", [RM(rec_seg)], [RM(rec_unreal)]
        EXPECT [RM(rec_seg)], SEG_MARK
        EXPECT [RM(rec_unreal)], UNREAL_MARK
        PRINTF "back in protected mode: cs=%w cr0.pe=%x", [RM(rec_pm_cs)], [RM(rec_pm_pe)]
        EXPECT [RM(rec_pm_cs)], KCODE
        EXPECT [RM(rec_pm_pe)], 1
        ret

; ---------------------------------------------------------------- 16-bit code
; Copied to RM_BASE; every absolute address inside goes through RM().
        bits 16
rm_start:
        ; 16-bit protected mode: 64 KiB segments, except DS which keeps the
        ; flat 4 GiB limit into real mode.
        mov ax, SEL_DATA16
        mov ss, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ax, KDATA
        mov ds, ax
        mov eax, cr0
        and eax, ~1
        mov cr0, eax
        jmp 0:RM(rm_real)
rm_real:
        xor ax, ax
        mov ss, ax
        mov sp, RM_STACK
        mov ds, ax
        mov es, ax
        smsw ax
        and ax, 1
        mov [RM(rec_msw)], ax
        mov [RM(rec_cs)], cs
        lidt [RM(ivt_desc)]
        ; INT 0x80 with IF = 1: the handler sees IF = TF = 0, IRET restores IF.
        sti
        mov [RM(rec_sp_before)], sp
rm_int_insn:
        int 0x80
        pushf
        pop ax
        and ax, 0x200
        mov [RM(rec_after_flags)], ax
        cli
        ; #DE and #UD are faults: the saved IP is the instruction.
        xor cx, cx
        mov ax, 1
        xor dx, dx
rm_div_insn:
        div cx
rm_ud_insn:
        ud2
        ; Segment arithmetic, and the 4 GiB DS limit kept from protected mode.
        mov ax, 0x1234
        mov es, ax
        mov eax, [es:0]
        mov [RM(rec_seg)], eax
        xor ax, ax
        mov es, ax
        mov eax, [dword UNREAL_ADDR]
        mov [RM(rec_unreal)], eax
        ; Back to protected mode.
        mov eax, cr0
        or eax, 1
        mov cr0, eax
        jmp dword KCODE:rm_pm32
rm_int80:
        mov bp, sp
        mov ax, [RM(rec_sp_before)]
        sub ax, sp
        mov [RM(rec_int_sp)], ax
        mov ax, [bp]
        mov [RM(rec_int_ip)], ax
        mov ax, [bp + 2]
        mov [RM(rec_int_cs)], ax
        mov ax, [bp + 4]
        and ax, 0x200
        mov [RM(rec_int_flags)], ax
        pushf
        pop ax
        and ax, 0x300
        mov [RM(rec_handler_flags)], ax
        mov ax, 0x8080
        mov [RM(rec_int_ax)], ax
        iret
rm_de:
        mov bp, sp
        mov ax, [bp]
        mov [RM(rec_de_ip)], ax
        add word [bp], 2                ; skip DIV CX
        iret
rm_ud:
        mov bp, sp
        mov ax, [bp]
        mov [RM(rec_ud_ip)], ax
        add word [bp], 2                ; skip UD2
        iret

        align 4
ivt_desc:
        dw 0x3ff
        dd IVT_BASE
rec_msw:        dd 0
rec_cs:         dd 0
rec_sp_before:  dd 0
rec_int_sp:     dd 0
rec_int_ip:     dd 0
rec_int_cs:     dd 0
rec_int_flags:  dd 0
rec_handler_flags: dd 0
rec_after_flags: dd 0
rec_int_ax:     dd 0
rec_de_ip:      dd 0
rec_ud_ip:      dd 0
rec_seg:        dd 0
rec_unreal:     dd 0
rec_pm_cs:      dd 0
rec_pm_pe:      dd 0
rm_end:

        bits 32
rm_pm32:
        mov ax, KDATA
        mov ds, ax
        mov [RM(rec_pm_cs)], cs
        mov eax, cr0
        and eax, 1
        mov [RM(rec_pm_pe)], eax
        jmp pm_back

        section .bss
saved_esp:      resd 1
KERNEL_END
