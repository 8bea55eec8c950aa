; A minimal Multiboot v1 kernel (a.out kludge, flat binary loaded at 1 MiB):
; prints a line on COM1 and on the debug console (port 0xe9), checks the
; boot magic and the memory size the loader reported, and leaves through
; isa-debug-exit at port 0xf4 with 0x10 (VMM exit status 0x21 = 33), or
; 0x01 (status 3) when the loader state is wrong.
; Build: nasm -f bin -o hello_multiboot.bin hello_multiboot.asm
        bits 32
        org 0x100000
MB_MAGIC  equ 0x1badb002
MB_FLAGS  equ 0x00010000            ; bit 16: the a.out kludge addresses are valid
header:
        dd MB_MAGIC
        dd MB_FLAGS
        dd -(MB_MAGIC + MB_FLAGS)
        dd header                    ; header_addr
        dd header                    ; load_addr
        dd 0                         ; load_end_addr: whole file
        dd bss_end                   ; bss_end_addr
        dd start                     ; entry_addr

start:
        mov esp, stack_top
        cmp eax, 0x2badb002
        jne fail
        test dword [ebx], 1          ; mem_lower/mem_upper present
        jz fail
        mov esi, msg
        call puts
        mov al, 0x10
        out 0xf4, al
fail:
        mov al, 0x01
        out 0xf4, al
        cli
.hang:  hlt
        jmp .hang

; puts: ESI = NUL-terminated string, to COM1 (polling LSR.THRE) and port 0xe9
puts:
        lodsb
        test al, al
        jz .done
        mov ah, al
.wait:  mov dx, 0x3fd
        in al, dx
        test al, 0x20
        jz .wait
        mov al, ah
        mov dx, 0x3f8
        out dx, al
        out 0xe9, al
        jmp puts
.done:  ret

msg:    db "hello from a multiboot kernel", 10, 0
        align 16
bss_start:
        times 4096 db 0
stack_top:
bss_end:
