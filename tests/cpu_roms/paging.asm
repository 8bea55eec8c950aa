; 32-bit paging (Intel SDM vol. 3 chapter 4): 4 KiB and 4 MiB (PSE) pages,
; accessed and dirty bits written by the CPU, combined U/S and R/W rights of
; the PDE and PTE, CR0.WP, and the TLB invalidations that are architecturally
; required (INVLPG, CR3 reload, CR4.PGE toggle, global pages). Stale reads
; through a changed entry before its invalidation are not checked: a CPU may
; or may not have cached it.
; Build: tests/cpu_roms/build.sh (nasm -f bin -I tests/cpu_roms/ -o paging.bin paging.asm)
%include "common.inc"

; Physical pages with a marker dword at offset 0 (identity-mapped below 4 MiB).
P1              equ 0x00310000
P2              equ 0x00311000
P3              equ 0x00312000
P4              equ 0x00313000          ; code copied here is run through a test mapping
M1              equ 0x11111111
M2              equ 0x22222222
M3              equ 0x33333333

; PDE[2]: pt_test, user + writable.      Linear 0x00800000 + n * 0x1000 = pt_test[n].
; PDE[3]: 4 MiB page at phys 0x00400000. Linear 0x00c00000.
; PDE[5]: pt_test, supervisor-only.      Linear 0x01400000.
; PDE[6]: pt_test, read-only.            Linear 0x01800000.
; PDE[7]: not present.                   Linear 0x01c00000.
V_TEST          equ 0x00800000
V_BIG           equ 0x00c00000
V_SUPDIR        equ 0x01400000
V_RODIR         equ 0x01800000
V_NODIR         equ 0x01c00000
BIG_PHYS        equ 0x00400000
BIG_OFF         equ 0x00123000          ; a 4 KiB page inside the 4 MiB page
BIG_MARK        equ 0x44444444
; With CR4.PSE = 0 the PDE[3] PS bit is ignored: phys 0x00400000 is a page table.
PSE_OFF_INDEX   equ 5
PSE_OFF_MARK    equ 0x55555555
BIG2_OFF        equ 0x00201000          ; checked in both 4 MiB pages
BIG_MARK2       equ 0x66666666          ; at BIG_PHYS + BIG2_OFF
BIG2_PHYS       equ 0x00800000          ; a second 4 MiB page
BIG2_MARK       equ 0x77777777          ; at BIG2_PHYS + BIG2_OFF

main:
        call setup
        call check_4k_bits
        call check_pse
        call check_rights
        call check_invalidation
        call check_fetch
        call check_not_present
        ret

; PTE(n): the address of pt_test[n].
%define PTE(n) (pt_test + (n) * 4)

setup:
        ; Markers, and the phys 0x400000 contents, written before paging is on.
        mov dword [P1], M1
        mov dword [P2], M2
        mov dword [P3], M3
        mov edi, BIG_PHYS
        mov ecx, 1024
        xor eax, eax
        rep stosd
        mov dword [BIG_PHYS + BIG_OFF], BIG_MARK
        mov dword [BIG_PHYS + PSE_OFF_INDEX * 0x1000], PSE_OFF_MARK
        mov dword [BIG_PHYS + PSE_OFF_INDEX * 4], P2 | PTE_P | PTE_RW
        mov dword [BIG_PHYS + BIG2_OFF], BIG_MARK2
        mov dword [BIG2_PHYS + BIG2_OFF], BIG2_MARK
        call paging_init
        mov dword [pd + 2 * 4], pt_test + (PTE_P | PTE_RW | PTE_US)
        mov dword [pd + 3 * 4], BIG_PHYS | PDE_PS | PTE_P | PTE_RW
        mov dword [pd + 5 * 4], pt_test + (PTE_P | PTE_RW)
        mov dword [pd + 6 * 4], pt_test + (PTE_P | PTE_US)
        mov dword [PTE(0)], P1 | PTE_P | PTE_RW | PTE_US
        mov dword [PTE(1)], P2 | PTE_P | PTE_US
        mov dword [PTE(2)], P3 | PTE_P | PTE_RW
        mov eax, cr4
        or eax, CR4_PSE
        mov cr4, eax
        call paging_on
        ret

; ---- A set on the first access through an entry, D on the first write
; (SDM vol. 3 §4.8). The PDE of a page table has no D bit.
check_4k_bits:
        mov eax, [V_TEST]
        mov ebx, [PTE(0)]
        and ebx, 0xfff
        mov ecx, [pd + 2 * 4]
        and ecx, 0xfff
        PRINTF "4k read: value=%x pte.flags=%x pde.flags=%x", eax, ebx, ecx
        EXPECT eax, M1
        EXPECT ebx, PTE_P | PTE_RW | PTE_US | PTE_A
        EXPECT ecx, PTE_P | PTE_RW | PTE_US | PTE_A
        mov dword [V_TEST + 4], 0xabcd0001
        mov eax, [P1 + 4]
        mov ebx, [PTE(0)]
        and ebx, 0xfff
        PRINTF "4k write: phys=%x pte.flags=%x", eax, ebx
        EXPECT eax, 0xabcd0001
        EXPECT ebx, PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D
        ; Cleared A and D are set again once INVLPG dropped the cached entry.
        and dword [PTE(0)], ~(PTE_A | PTE_D)
        invlpg [V_TEST]
        mov eax, [V_TEST]
        mov ebx, [PTE(0)]
        and ebx, 0xfff
        mov dword [V_TEST + 8], 2
        mov ecx, [PTE(0)]
        and ecx, 0xfff
        PRINTF "4k bits again after invlpg: read pte.flags=%x write pte.flags=%x", ebx, ecx
        EXPECT ebx, PTE_P | PTE_RW | PTE_US | PTE_A
        EXPECT ecx, PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D
        ret

; ---- 4 MiB pages: A and D live in the PDE. With CR4.PSE = 0 the PS bit is
; ignored and the PDE points to a page table (SDM vol. 3 §4.3).
check_pse:
        mov eax, [V_BIG + BIG_OFF]
        mov ebx, [pd + 3 * 4]
        and ebx, 0xfff
        PRINTF "pse read: value=%x pde.flags=%x", eax, ebx
        EXPECT eax, BIG_MARK
        EXPECT ebx, PDE_PS | PTE_P | PTE_RW | PTE_A
        mov dword [V_BIG + BIG_OFF + 4], 0xabcd0002
        mov ebx, [pd + 3 * 4]
        and ebx, 0xfff
        call paging_off
        mov eax, [BIG_PHYS + BIG_OFF + 4]
        call paging_on
        PRINTF "pse write: phys=%x pde.flags=%x", eax, ebx
        EXPECT eax, 0xabcd0002
        EXPECT ebx, PDE_PS | PTE_P | PTE_RW | PTE_A | PTE_D
        ; PSE off: the same linear address goes through the table at 0x400000.
        mov eax, cr4
        and eax, ~CR4_PSE
        mov cr4, eax
        mov eax, cr3
        mov cr3, eax
        mov eax, [V_BIG + PSE_OFF_INDEX * 0x1000]
        mov ebx, eax
        mov eax, cr4
        or eax, CR4_PSE
        mov cr4, eax
        mov eax, cr3
        mov cr3, eax
        mov eax, [V_BIG + PSE_OFF_INDEX * 0x1000]
        PRINTF "pse bit ignored with CR4.PSE=0: value=%x, with CR4.PSE=1: value=%x", ebx, eax
        EXPECT ebx, M2
        EXPECT eax, PSE_OFF_MARK
        ; INVLPG of any address in a 4 MiB page drops all of it, however the
        ; TLB holds it (SDM vol. 3 §4.10.4.1).
        mov eax, [V_BIG + BIG2_OFF]
        mov dword [pd + 3 * 4], BIG2_PHYS | PDE_PS | PTE_P | PTE_RW
        invlpg [V_BIG + 0x1000]
        mov ebx, [V_BIG + BIG2_OFF]
        PRINTF "pse invlpg elsewhere in the 4 MiB page: before=%x after remap+invlpg=%x", eax, ebx
        EXPECT eax, BIG_MARK2
        EXPECT ebx, BIG2_MARK
        mov dword [pd + 3 * 4], BIG_PHYS | PDE_PS | PTE_P | PTE_RW
        invlpg [V_BIG]
        ret

; ---- Rights are the AND of PDE and PTE (SDM vol. 3 §4.6); supervisor writes
; to read-only pages fault only with CR0.WP = 1.
check_rights:
        TRY .r1
        mov eax, user_read_supdir
        call run_user
        ENDTRY
.r1:    mov ebx, cr2
        PRINTF "user read, PDE supervisor, PTE user: vec=%b err=%x cr2=%x", [exc_vec], [exc_err], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 5
        EXPECT ebx, V_SUPDIR + 0x10
        TRY .r2
        mov eax, user_write_rodir
        call run_user
        ENDTRY
.r2:    mov ebx, cr2
        PRINTF "user write, PDE read-only, PTE writable: vec=%b err=%x cr2=%x", [exc_vec], [exc_err], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 7
        EXPECT ebx, V_RODIR + 0x14
        TRY .r3
        mov eax, user_read_rodir
        call run_user
        ENDTRY
.r3:    PRINTF "user read, PDE read-only, PTE writable: vec=%b eax=%x", [exc_vec], [user_regs + 28]
        EXPECT [exc_vec], NO_VEC
        EXPECT [user_regs + 28], M1
        TRY .r4
        mov eax, user_write_ropte
        call run_user
        ENDTRY
.r4:    mov ebx, [PTE(1)]
        and ebx, PTE_D
        PRINTF "user write, PTE read-only: vec=%b err=%x pte.d=%x", [exc_vec], [exc_err], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 7
        EXPECT ebx, 0
        TRY .r5
        mov dword [V_RODIR + 0x18], 5
        ENDTRY
.r5:    PRINTF "supervisor write, PDE read-only, WP=0: vec=%b", [exc_vec]
        EXPECT [exc_vec], NO_VEC
        mov eax, cr0
        or eax, CR0_WP
        mov cr0, eax
        TRY .r6
        mov dword [V_RODIR + 0x1c], 6
        ENDTRY
.r6:    mov eax, cr0
        and eax, ~CR0_WP
        mov cr0, eax
        mov ebx, cr2
        PRINTF "supervisor write, PDE read-only, WP=1: vec=%b err=%x cr2=%x", [exc_vec], [exc_err], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 3
        EXPECT ebx, V_RODIR + 0x1c
        ; A translation the kernel just used (and the TLB holds) still denies
        ; ring 3 a supervisor page, for reads, writes and instruction fetch.
        mov eax, [V_TEST + 0x2000]
        mov dword [V_TEST + 0x2004], eax
        TRY .r7
        mov eax, user_read_sup
        call run_user
        ENDTRY
.r7:    mov ebx, cr2
        PRINTF "user read of a supervisor page the kernel just used: vec=%b err=%x cr2=%x", [exc_vec], [exc_err], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 5
        EXPECT ebx, V_TEST + 0x2008
        mov dword [V_TEST + 0x200c], 0
        TRY .r8
        mov eax, user_write_sup
        call run_user
        ENDTRY
.r8:    mov ebx, cr2
        PRINTF "user write to a supervisor page the kernel just wrote: vec=%b err=%x cr2=%x", [exc_vec], [exc_err], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 7
        EXPECT ebx, V_TEST + 0x200c
        mov dword [P3 + 0x100], 0x00c3c031     ; xor eax, eax; ret
        mov eax, V_TEST + 0x2100
        call eax
        TRY .r9
        mov eax, user_call_sup
        call run_user
        ENDTRY
.r9:    mov ebx, cr2
        PRINTF "user fetch from a supervisor page the kernel just ran: vec=%b err=%x eip=%x cr2=%x", [exc_vec], [exc_err], [exc_eip], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 5
        EXPECT [exc_eip], V_TEST + 0x2100
        EXPECT ebx, V_TEST + 0x2100
        ret

user_read_sup:
        mov eax, [V_TEST + 0x2008]
        int USER_EXIT_VEC
user_write_sup:
        mov dword [V_TEST + 0x200c], 1
        int USER_EXIT_VEC
user_call_sup:
        mov eax, V_TEST + 0x2100
        call eax
        int USER_EXIT_VEC
user_read_supdir:
        mov eax, [V_SUPDIR + 0x10]
        int USER_EXIT_VEC
user_write_rodir:
        mov dword [V_RODIR + 0x14], 1
        int USER_EXIT_VEC
user_read_rodir:
        mov eax, [V_RODIR]
        int USER_EXIT_VEC
user_write_ropte:
        mov dword [V_TEST + 0x1000 + 0x20], 1
        int USER_EXIT_VEC

; ---- What the SDM requires a TLB flush to make visible (vol. 3 §4.10.4).
check_invalidation:
        mov dword [PTE(3)], P1 | PTE_P | PTE_RW
        mov eax, [V_TEST + 0x3000]
        mov dword [PTE(3)], P2 | PTE_P | PTE_RW
        invlpg [V_TEST + 0x3000]
        mov ebx, [V_TEST + 0x3000]
        PRINTF "invlpg: before=%x after remap+invlpg=%x", eax, ebx
        EXPECT eax, M1
        EXPECT ebx, M2
        mov dword [PTE(3)], P3 | PTE_P | PTE_RW
        mov eax, cr3
        mov cr3, eax
        mov ebx, [V_TEST + 0x3000]
        PRINTF "cr3 reload: after remap+reload=%x", ebx
        EXPECT ebx, M3
        ; Global pages: INVLPG and a CR4.PGE toggle drop them.
        mov eax, cr4
        or eax, CR4_PGE
        mov cr4, eax
        mov dword [PTE(4)], P1 | PTE_P | PTE_RW | PTE_G
        mov eax, [V_TEST + 0x4000]
        mov dword [PTE(4)], P2 | PTE_P | PTE_RW | PTE_G
        invlpg [V_TEST + 0x4000]
        mov ebx, [V_TEST + 0x4000]
        PRINTF "global page: before=%x after remap+invlpg=%x", eax, ebx
        EXPECT eax, M1
        EXPECT ebx, M2
        mov dword [PTE(4)], P3 | PTE_P | PTE_RW | PTE_G
        mov eax, cr4
        and eax, ~CR4_PGE
        mov cr4, eax
        or eax, CR4_PGE
        mov cr4, eax
        mov ebx, [V_TEST + 0x4000]
        PRINTF "global page: after remap+PGE toggle=%x", ebx
        EXPECT ebx, M3
        ; A non-global page is dropped by a CR3 reload even while PGE = 1.
        mov dword [PTE(5)], P1 | PTE_P | PTE_RW
        mov eax, [V_TEST + 0x5000]
        mov dword [PTE(5)], P2 | PTE_P | PTE_RW
        mov ecx, cr3
        mov cr3, ecx
        mov ebx, [V_TEST + 0x5000]
        PRINTF "non-global page with PGE=1: before=%x after remap+cr3 reload=%x", eax, ebx
        EXPECT eax, M1
        EXPECT ebx, M2
        mov eax, cr4
        and eax, ~CR4_PGE
        mov cr4, eax
        ret

; ---- Instruction fetch through a mapping sets A but not D; code reached
; through a second mapping of the same page runs the bytes written through the
; first one.
check_fetch:
        mov esi, fetch_code
        mov edi, P4
        mov ecx, fetch_code_end - fetch_code
        rep movsb
        mov dword [PTE(6)], P4 | PTE_P | PTE_RW
        mov eax, V_TEST + 0x6000
        call eax
        mov ebx, [PTE(6)]
        and ebx, 0xfff
        PRINTF "fetch: eax=%x pte.flags=%x", eax, ebx
        EXPECT eax, 0x600dc0de
        EXPECT ebx, PTE_P | PTE_RW | PTE_A
        ; Patch the immediate through the identity mapping, run it again.
        mov dword [P4 + 1], 0x0badc0de
        mov eax, V_TEST + 0x6000
        call eax
        PRINTF "fetch after a store through another mapping: eax=%x", eax
        EXPECT eax, 0x0badc0de
        ret

fetch_code:
        mov eax, 0x600dc0de
        ret
fetch_code_end:

; ---- Not-present PDE and PTE: error code 0 (read) / 2 (write), CR2 = address.
check_not_present:
        TRY .r1
        mov eax, [V_NODIR + 0x2345]
        ENDTRY
.r1:    mov ebx, cr2
        PRINTF "pde not present read: vec=%b err=%x cr2=%x", [exc_vec], [exc_err], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 0
        EXPECT ebx, V_NODIR + 0x2345
        TRY .r2
        mov dword [V_TEST + 0x7008], 1
        ENDTRY
.r2:    mov ebx, cr2
        PRINTF "pte not present write: vec=%b err=%x cr2=%x", [exc_vec], [exc_err], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 2
        EXPECT ebx, V_TEST + 0x7008
        ; A write that crosses from a present page into a not-present one
        ; faults on the second page and writes nothing.
        mov dword [PTE(8)], P1 | PTE_P | PTE_RW
        mov dword [P1 + 0xffc], 0x12345678
        TRY .r3
        mov dword [V_TEST + 0x8ffe], 0xffffffff
        ENDTRY
.r3:    mov ebx, cr2
        PRINTF "page-crossing write into a not-present page: vec=%b err=%x cr2=%x first.page=%x", [exc_vec], [exc_err], ebx, [P1 + 0xffc]
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 2
        EXPECT ebx, V_TEST + 0x9000
        EXPECT [P1 + 0xffc], 0x12345678
        ; REP MOVSD faulting on its third element: the fault leaves ECX, ESI and
        ; EDI at that element and EIP at the instruction (SDM vol. 2 REP).
        mov dword [PTE(10)], P2 | PTE_P | PTE_RW
        TRY .r4
        mov esi, V_TEST + 0x8000
        mov edi, V_TEST + 0xaff8
        mov ecx, 4
        cld
.f4:    rep movsd
        ENDTRY
.r4:    mov ebx, cr2
        mov eax, [exc_eip]
        sub eax, .f4
        PRINTF "rep movsd into a not-present page: vec=%b err=%x eip=fault+%x cr2=%x", [exc_vec], [exc_err], eax, ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 2
        EXPECT eax, 0
        EXPECT ebx, V_TEST + 0xb000
        PRINTF "rep movsd into a not-present page: ecx=%x esi=%x edi=%x copied=%x", [exc_regs + 24], [exc_regs + 4], [exc_regs], [P2 + 0xffc]
        EXPECT [exc_regs + 24], 2
        EXPECT [exc_regs + 4], V_TEST + 0x8008
        EXPECT [exc_regs], V_TEST + 0xb000
        EXPECT [P2 + 0xffc], [V_TEST + 0x8004]
        ; An instruction that straddles into a not-present page: CR2 is the
        ; first byte in that page, EIP the start of the instruction.
        mov dword [P2 + 0xffe], 0x345678b8     ; mov eax, 0x12345678 (5 bytes)
        TRY .r5
        mov eax, V_TEST + 0xaffe
        jmp eax
        ENDTRY
.r5:    mov ebx, cr2
        PRINTF "instruction fetch across into a not-present page: vec=%b err=%x eip=%x cr2=%x", [exc_vec], [exc_err], [exc_eip], ebx
        EXPECT [exc_vec], 14
        EXPECT [exc_err], 0
        EXPECT [exc_eip], V_TEST + 0xaffe
        EXPECT ebx, V_TEST + 0xb000
        ret

        section .bss
        alignb 4096
pt_test:        resb 4096
KERNEL_END
