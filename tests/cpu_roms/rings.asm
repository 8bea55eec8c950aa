; Privilege levels (Intel SDM vol. 3 chapter 5, §6.12, §16.5 of vol. 1):
; IRET to ring 3, interrupt gates with the TSS stack switch, gate DPL checks,
; privileged instructions and IOPL, a call gate with parameter copy and the
; far return to ring 3 with data-segment nulling, conforming code,
; SYSENTER/SYSEXIT, and the TSS I/O permission bitmap.
; Build: tests/cpu_roms/build.sh (nasm -f bin -I tests/cpu_roms/ -o rings.bin rings.asm)
%include "common.inc"

SEL_CALLGATE    equ FIRST_FREE_SEL              ; 32-bit call gate, DPL 3, 2 parameters
SEL_CONF        equ FIRST_FREE_SEL + 0x08       ; conforming code, DPL 0
SEL_GATE_DPL0   equ FIRST_FREE_SEL + 0x10       ; call gate with DPL 0
VEC_DPL0        equ 0x31                        ; interrupt gate with DPL 0
VEC_PROBE       equ 0x32                        ; gates of each kind, DPL 3
MSR_SYSENTER_CS  equ 0x174
MSR_SYSENTER_ESP equ 0x175
MSR_SYSENTER_EIP equ 0x176
EFLAGS_IF       equ 0x200
EFLAGS_IOPL3    equ 0x3000

main:
        call setup
        call check_iret_and_int_gate
        call check_privileged
        call check_iopl
        call check_call_gate
        call check_iret_nulling
        call check_conforming
        call check_gate_kinds
        call check_selectors
        call check_sysenter
        call check_io_bitmap
        ret

setup:
        mov eax, SEL_CALLGATE
        mov ebx, gate_target
        mov ecx, KCODE
        mov edx, 0x2ec                  ; P, DPL 3, 32-bit call gate, 2 dwords
        call set_gdt_gate
        mov eax, SEL_GATE_DPL0
        mov edx, 0x08c                  ; P, DPL 0, 32-bit call gate, 0 dwords
        call set_gdt_gate
        mov eax, SEL_CONF
        xor ebx, ebx
        mov ecx, 0xfffff
        mov edx, 0xc09e                 ; P, DPL 0, conforming readable code
        call set_desc
        mov eax, VEC_DPL0
        mov ebx, exc_stub_0
        mov ecx, KCODE
        mov edx, 0x8e
        call set_idt_gate
        ret

; ---- IRET to CPL 3, then INT through a DPL-3 interrupt gate: the CPU takes
; SS0:ESP0 from the TSS and pushes SS, ESP, EFLAGS, CS, EIP there.
check_iret_and_int_gate:
        mov eax, user_segs
        call run_user
        PRINTF "iret to ring 3: cs=%x ss=%x ds=%x", [user_regs + 28], [user_regs + 16], [user_regs + 20]
        EXPECT [user_regs + 28], UCODE
        EXPECT [user_regs + 16], UDATA
        EXPECT [user_regs + 20], UDATA
        mov eax, trap_stack_top
        sub eax, [user_frame_at]
        mov ebx, [user_frame]
        sub ebx, user_segs.f
        mov ecx, user_stack_top
        sub ecx, [user_frame + 12]
        PRINTF "int gate from ring 3: esp0-esp=%x eip=int+%x cs=%x ss=%x user.esp=top-%x", eax, ebx, [user_frame + 4], [user_frame + 16], ecx
        EXPECT eax, 20
        EXPECT ebx, 2
        EXPECT [user_frame + 4], UCODE
        EXPECT [user_frame + 16], UDATA
        EXPECT ecx, 0
        TRY .r1
        mov eax, user_int_dpl0
        call run_user
        ENDTRY
.r1:    REPORT "int to a DPL-0 gate from ring 3: vec=%b err=%x eip=fault+%x", user_int_dpl0
        EXPECT_EXC 13, VEC_DPL0 * 8 + 2, user_int_dpl0, 0
        ; INT3 is checked against the gate DPL like INT n; the #BP gate has DPL 0.
        TRY .r2
        mov eax, user_int3
        call run_user
        ENDTRY
.r2:    REPORT "int3 from ring 3 through the DPL-0 #BP gate: vec=%b err=%x eip=fault+%x", user_int3
        EXPECT_EXC 13, 3 * 8 + 2, user_int3, 0
        ret

user_segs:
        xor eax, eax
        mov ax, cs
        xor ebx, ebx
        mov bx, ss
        xor edx, edx
        mov dx, ds
.f:     int USER_EXIT_VEC
user_int_dpl0:
        int VEC_DPL0
        int USER_EXIT_VEC
user_int3:
        int3
        int USER_EXIT_VEC

; ---- Privileged instructions at CPL 3 raise #GP(0).
%macro PRIV_CHECK 2
        TRY %%r
        mov eax, %%user
        call run_user
        ENDTRY
        jmp %%r
%%user: %2
        int USER_EXIT_VEC
%%r:    REPORT %1, %%user
        EXPECT_EXC 13, 0, %%user, 0
%endmacro

check_privileged:
        PRIV_CHECK "ring 3 hlt: vec=%b err=%x eip=fault+%x", hlt
        PRIV_CHECK "ring 3 mov eax,cr0: vec=%b err=%x eip=fault+%x", {mov eax, cr0}
        PRIV_CHECK "ring 3 lidt: vec=%b err=%x eip=fault+%x", {lidt [idt_desc]}
        PRIV_CHECK "ring 3 cli with IOPL=0: vec=%b err=%x eip=fault+%x", cli
        PRIV_CHECK "ring 3 in with IOPL=0 and the port denied: vec=%b err=%x eip=fault+%x", {in al, 0x80}
        ret

; ---- IOPL: CLI/STI and port I/O at CPL <= IOPL; POPF at CPL > 0 leaves
; IOPL alone, and at CPL > IOPL leaves IF alone (SDM vol. 2 POPF).
check_iopl:
        mov dword [user_eflags], EFLAGS_IOPL3 | 2
        TRY .r1
        mov eax, user_cli_sti_out
        call run_user
        ENDTRY
.r1:    PRINTF "ring 3 cli, sti, out with IOPL=3: vec=%b", [exc_vec]
        EXPECT [exc_vec], NO_VEC
        TRY .r2
        mov eax, user_popf
        call run_user
        ENDTRY
.r2:    mov eax, [user_regs + 28]
        and eax, EFLAGS_IOPL3 | EFLAGS_IF
        PRINTF "ring 3 popf of IOPL=0 IF=1 with IOPL=3: vec=%b eflags.iopl|if=%x", [exc_vec], eax
        EXPECT [exc_vec], NO_VEC
        EXPECT eax, EFLAGS_IOPL3 | EFLAGS_IF
        mov dword [user_eflags], 2
        TRY .r3
        mov eax, user_popf
        call run_user
        ENDTRY
.r3:    mov eax, [user_regs + 28]
        and eax, EFLAGS_IOPL3 | EFLAGS_IF
        PRINTF "ring 3 popf of IOPL=0 IF=1 with IOPL=0: vec=%b eflags.iopl|if=%x", [exc_vec], eax
        EXPECT [exc_vec], NO_VEC
        EXPECT eax, 0
        TRY .r4
        mov eax, user_popf_iopl3
        call run_user
        ENDTRY
.r4:    mov eax, [user_regs + 28]
        and eax, EFLAGS_IOPL3 | EFLAGS_IF
        PRINTF "ring 3 popf of IOPL=3 with IOPL=0: vec=%b eflags.iopl|if=%x", [exc_vec], eax
        EXPECT [exc_vec], NO_VEC
        EXPECT eax, 0
        ret

user_cli_sti_out:
        cli
        sti
        cli
        out 0x80, al
        int USER_EXIT_VEC
user_popf:
        push dword EFLAGS_IF | 2
        popfd
        pushfd
        pop eax
        int USER_EXIT_VEC
user_popf_iopl3:
        push dword EFLAGS_IOPL3 | 2
        popfd
        pushfd
        pop eax
        int USER_EXIT_VEC

; ---- Call gate with parameter copy (SDM vol. 3 §5.8.5): the ring-0 stack
; holds SS, ESP, the two parameters in order, CS, EIP; RETF 8 to ring 3 pops
; the parameters from both stacks and nulls DS, ES, GS (DPL 0) but not FS.
check_call_gate:
        mov eax, user_call_gate
        call run_user
        mov eax, trap_stack_top
        sub eax, [gate_esp]
        mov ebx, [gate_frame]
        sub ebx, user_call_gate.f
        PRINTF "call gate frame: esp0-esp=%x eip=call+%x cs=%x", eax, ebx, [gate_frame + 4]
        EXPECT eax, 24
        EXPECT ebx, 7
        EXPECT [gate_frame + 4], UCODE
        mov ecx, user_stack_top
        sub ecx, [gate_frame + 16]
        PRINTF "call gate frame: param0=%x param1=%x user.esp=top-%x ss=%x", [gate_frame + 8], [gate_frame + 12], ecx, [gate_frame + 20]
        EXPECT [gate_frame + 8], 0x22222222
        EXPECT [gate_frame + 12], 0x11111111
        EXPECT ecx, 8
        EXPECT [gate_frame + 20], UDATA
        mov eax, [user_regs + 28]
        mov ebx, user_stack_top
        sub ebx, [user_regs + 16]
        PRINTF "retf 8 to ring 3: cs=%x user.esp=top-%x", eax, ebx
        EXPECT eax, UCODE
        EXPECT ebx, 0
        movzx eax, word [user_sregs]
        movzx ebx, word [user_sregs + 2]
        movzx ecx, word [user_sregs + 4]
        movzx edx, word [user_sregs + 6]
        PRINTF "retf to ring 3 nulls DPL-0 data segments: ds=%w es=%w fs=%w gs=%w", eax, ebx, ecx, edx
        EXPECT eax, 0
        EXPECT ebx, 0
        EXPECT ecx, UDATA
        EXPECT edx, 0
        TRY .r1
        mov eax, user_call_gate_dpl0
        call run_user
        ENDTRY
.r1:    REPORT "call through a DPL-0 gate from ring 3: vec=%b err=%x eip=fault+%x", user_call_gate_dpl0
        EXPECT_EXC 13, SEL_GATE_DPL0, user_call_gate_dpl0, 0
        ret

user_call_gate:
        push dword 0x11111111
        push dword 0x22222222
.f:     call SEL_CALLGATE | 3:0
        xor eax, eax
        mov ax, cs
        mov ebx, esp
        int USER_EXIT_VEC
user_call_gate_dpl0:
        call SEL_GATE_DPL0 | 3:0
        int USER_EXIT_VEC

; Runs at CPL 0 on the TSS stack, DS still the ring-3 selector.
gate_target:
        mov [ss:gate_esp], esp
%assign k 0
%rep 6
        mov eax, [esp + k]
        mov [ss:gate_frame + k], eax
%assign k k + 4
%endrep
        mov ax, KDATA
        mov ds, ax
        mov es, ax
        mov gs, ax
        retf 8

; ---- IRET to ring 3 also nulls data segments the new CPL may not use.
check_iret_nulling:
        mov word [user_entry_sregs + 2], KDATA
        mov word [user_entry_sregs + 6], KDATA
        mov eax, user_read_segs
        call run_user
        mov word [user_entry_sregs + 2], UDATA
        mov word [user_entry_sregs + 6], UDATA
        movzx eax, word [user_sregs]
        movzx ebx, word [user_sregs + 2]
        movzx ecx, word [user_sregs + 4]
        movzx edx, word [user_sregs + 6]
        PRINTF "iret to ring 3 nulls DPL-0 data segments: ds=%w es=%w fs=%w gs=%w", eax, ebx, ecx, edx
        EXPECT eax, UDATA
        EXPECT ebx, 0
        EXPECT ecx, UDATA
        EXPECT edx, 0
        ret

user_read_segs:
        int USER_EXIT_VEC

; ---- Conforming code runs at the caller's CPL (SDM vol. 3 §5.8.1.2); a far
; call from ring 3 straight to non-conforming ring-0 code is refused.
check_conforming:
        TRY .r1
        mov eax, user_call_conforming
        call run_user
        ENDTRY
.r1:    PRINTF "far call to conforming DPL-0 code from ring 3: vec=%b cs=%x back.cs=%x", [exc_vec], [user_regs + 16], [user_regs + 28]
        EXPECT [exc_vec], NO_VEC
        EXPECT [user_regs + 16], SEL_CONF | 3
        EXPECT [user_regs + 28], UCODE
        TRY .r2
        mov eax, user_call_kcode
        call run_user
        ENDTRY
.r2:    REPORT "far call to DPL-0 code from ring 3: vec=%b err=%x eip=fault+%x", user_call_kcode
        EXPECT_EXC 13, KCODE, user_call_kcode, 0
        ret

user_call_conforming:
        call SEL_CONF | 3:conforming_code
        xor eax, eax
        mov ax, cs
        int USER_EXIT_VEC
conforming_code:
        xor ebx, ebx
        mov bx, cs
        retf
user_call_kcode:
        call KCODE | 3:conforming_code
        int USER_EXIT_VEC

; ---- An interrupt gate clears IF, a trap gate keeps it; a gate to conforming
; code stays at CPL 3 on the ring-3 stack (SDM vol. 3 §6.12.1).
%macro GATE_KIND 3
        mov eax, VEC_PROBE
        mov ebx, probe_handler
        mov ecx, %2
        mov edx, %3
        call set_idt_gate
        mov dword [user_eflags], EFLAGS_IF | 2
        TRY %%r
        mov eax, user_probe
        call run_user
        ENDTRY
%%r:    mov dword [user_eflags], 2
        mov eax, [probe_eflags]
        and eax, EFLAGS_IF
        mov ebx, user_stack_top
        sub ebx, [probe_esp]
        mov ecx, trap_stack_top
        sub ecx, [probe_esp]
        PRINTF %1, [exc_vec], eax, [probe_cs], ebx, ecx
%endmacro

check_gate_kinds:
        GATE_KIND "trap gate from ring 3 with IF=1: vec=%b handler.if=%x cs=%x user_top-esp=%x esp0-esp=%x", KCODE, 0xef
        EXPECT [exc_vec], NO_VEC
        EXPECT eax, EFLAGS_IF
        EXPECT [probe_cs], KCODE
        EXPECT ecx, 20
        GATE_KIND "interrupt gate from ring 3 with IF=1: vec=%b handler.if=%x cs=%x user_top-esp=%x esp0-esp=%x", KCODE, 0xee
        EXPECT [exc_vec], NO_VEC
        EXPECT eax, 0
        EXPECT [probe_cs], KCODE
        EXPECT ecx, 20
        GATE_KIND "interrupt gate to conforming code from ring 3: vec=%b handler.if=%x cs=%x user_top-esp=%x esp0-esp=%x", SEL_CONF, 0xee
        EXPECT [exc_vec], NO_VEC
        EXPECT eax, 0
        EXPECT [probe_cs], SEL_CONF | 3
        EXPECT ebx, 12
        ret

user_probe:
        int VEC_PROBE
        int USER_EXIT_VEC

probe_handler:
        mov [ss:probe_esp], esp
        pushfd
        pop dword [ss:probe_eflags]
        mov dword [ss:probe_cs], 0
        mov [ss:probe_cs], cs
        iretd

; ---- Selector checks against CPL and RPL at CPL 3, and LAR/LSL/VERR/VERW.
check_selectors:
        TRY .r1
        mov eax, user_load_kdata
        call run_user
        ENDTRY
.r1:    REPORT "ring 3 load of a DPL-0 data segment: vec=%b err=%x eip=fault+%x", user_load_kdata.f
        EXPECT_EXC 13, KDATA, user_load_kdata.f, 0
        TRY .r2
        mov eax, user_lar
        call run_user
        ENDTRY
.r2:    PRINTF "ring 3 verr kdata=%b verr udata=%b verw ucode=%b", [user_regs + 28], [user_regs + 16], [user_regs + 24]
        EXPECT [user_regs + 28], 0
        EXPECT [user_regs + 16], 1
        EXPECT [user_regs + 24], 0
        ; LAR with a 32-bit operand masks with 0x00FxFF00: bits 19:16 are undefined.
        mov eax, [user_regs + 20]
        and eax, 0x00f0ff00
        PRINTF "ring 3 lar udata=%x lsl udata=%x lar kdata.zf=%b", eax, [user_regs + 4], [user_regs + 0]
        EXPECT eax, 0x00c0f300
        EXPECT [user_regs + 4], 0xffffffff
        EXPECT [user_regs + 0], 0
        ret

user_load_kdata:
        mov ax, KDATA | 3
.f:     mov ds, ax
        int USER_EXIT_VEC
user_lar:
        xor eax, eax
        xor ebx, ebx
        xor ecx, ecx
        mov dx, KDATA | 3
        verr dx
        setz al
        mov dx, UDATA
        verr dx
        setz bl
        mov dx, UCODE
        verw dx
        setz cl
        mov dx, UDATA
        lar edx, dx
        mov si, UDATA
        lsl esi, si
        mov bp, KDATA
        lar ebp, bp
        mov edi, 0
        jnz .done
        inc edi
.done:  int USER_EXIT_VEC

; ---- SYSENTER/SYSEXIT (SDM vol. 2): flat CS/SS from IA32_SYSENTER_CS,
; ESP/EIP from the MSRs, IF cleared; SYSEXIT returns to ECX:EDX at CPL 3.
check_sysenter:
        mov ecx, MSR_SYSENTER_CS
        mov eax, KCODE
        xor edx, edx
        wrmsr
        mov ecx, MSR_SYSENTER_ESP
        mov eax, sysenter_stack_top
        wrmsr
        mov ecx, MSR_SYSENTER_EIP
        mov eax, sysenter_target
        wrmsr
        mov dword [user_eflags], EFLAGS_IF | 2
        TRY .r1
        mov eax, user_sysenter
        call run_user
        ENDTRY
.r1:    mov dword [user_eflags], 2
        mov eax, sysenter_stack_top
        sub eax, [sysenter_seen + 8]
        mov ebx, [sysenter_seen + 12]
        and ebx, EFLAGS_IF
        PRINTF "sysenter: vec=%b cs=%x ss=%x stack_top-esp=%x eflags.if=%x", [exc_vec], [sysenter_seen], [sysenter_seen + 4], eax, ebx
        EXPECT [exc_vec], NO_VEC
        EXPECT [sysenter_seen], KCODE
        EXPECT [sysenter_seen + 4], KDATA
        EXPECT eax, 0
        EXPECT ebx, 0
        mov ecx, [user_regs + 4]        ; user ESI = ESP after SYSEXIT
        sub ecx, user_stack_top
        PRINTF "sysexit: cs=%x ss=%x esp=top+%x", [user_regs + 28], [user_regs + 16], ecx
        EXPECT [user_regs + 28], UCODE
        EXPECT [user_regs + 16], UDATA
        EXPECT ecx, 0
        ; SYSENTER with IA32_SYSENTER_CS = 0 raises #GP(0).
        mov ecx, MSR_SYSENTER_CS
        xor eax, eax
        xor edx, edx
        wrmsr
        TRY .r2
        mov eax, user_sysenter
        call run_user
        ENDTRY
.r2:    REPORT "sysenter with SYSENTER_CS=0: vec=%b err=%x eip=fault+%x", user_sysenter.f
        EXPECT_EXC 13, 0, user_sysenter.f, 0
        ret

user_sysenter:
        mov ecx, esp
        mov edx, .back
.f:     sysenter
.back:  xor eax, eax
        mov ax, cs
        xor ebx, ebx
        mov bx, ss
        mov esi, esp
        int USER_EXIT_VEC

sysenter_target:
        mov [ss:sysenter_seen + 8], esp
        mov [ss:sysenter_seen], cs
        mov [ss:sysenter_seen + 4], ss
        pushfd
        pop dword [ss:sysenter_seen + 12]
        sysexit

; ---- The I/O permission bitmap at CPL 3 with IOPL 0 (SDM vol. 1 §19.5.2):
; every port of the access must have its bit clear.
check_io_bitmap:
        mov eax, 0xe9
        btr [io_bitmap], eax
        TRY .r1
        mov eax, user_print
        call run_user
        ENDTRY
.r1:    PRINTF "io ring 3 out to an allowed port: vec=%b", [exc_vec]
        EXPECT [exc_vec], NO_VEC
        TRY .r2
        mov eax, user_in_e9
        call run_user
        ENDTRY
.r2:    PRINTF "io ring 3 in from an allowed port: vec=%b al=%b", [exc_vec], [user_regs + 28]
        EXPECT [exc_vec], NO_VEC
        EXPECT [user_regs + 28], 0xe9
        TRY .r3
        mov eax, user_out_word_e9
        call run_user
        ENDTRY
.r3:    REPORT "io ring 3 word out to 0xe9 with 0xea denied: vec=%b err=%x eip=fault+%x", user_out_word_e9.f
        EXPECT_EXC 13, 0, user_out_word_e9.f, 0
        TRY .r4
        mov eax, user_out_80
        call run_user
        ENDTRY
.r4:    REPORT "io ring 3 out to a denied port: vec=%b err=%x eip=fault+%x", user_out_80
        EXPECT_EXC 13, 0, user_out_80, 0
        ; An I/O map base past the TSS limit denies every port.
        mov ax, [main_tss + 0x66]
        mov word [main_tss + 0x66], 0xf000
        TRY .r5
        mov eax, user_in_e9
        call run_user
        ENDTRY
.r5:    mov [main_tss + 0x66], ax
        REPORT "io ring 3 in with the map base past the TSS limit: vec=%b err=%x eip=fault+%x", user_in_e9
        EXPECT_EXC 13, 0, user_in_e9, 0
        mov eax, 0xe9
        bts [io_bitmap], eax
        ret

user_print:
        mov esi, .msg
.next:  lodsb
        test al, al
        jz .done
        out 0xe9, al
        jmp .next
.done:  int USER_EXIT_VEC
.msg:   db "io ring 3 prints through port 0xe9", 10, 0
user_in_e9:
        in al, 0xe9
        movzx eax, al
        int USER_EXIT_VEC
user_out_word_e9:
        mov dx, 0xe9
        mov ax, 0x0a0a
.f:     out dx, ax
        int USER_EXIT_VEC
user_out_80:
        out 0x80, al
        int USER_EXIT_VEC

        section .bss
gate_esp:       resd 1
gate_frame:     resd 6
sysenter_seen:  resd 4                  ; CS SS ESP EFLAGS
probe_esp:      resd 1
probe_eflags:   resd 1
probe_cs:       resd 1
        alignb 16
                resb 4096
sysenter_stack_top:
KERNEL_END
