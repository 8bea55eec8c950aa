/*
 * Runs one x87 instruction on the host CPU per input line, for recording test vectors
 * (see record_vectors.ts). Build: gcc -m32 -O1 -o x87_oracle x87_oracle.c
 *
 * Input line:  <instruction hex> <108-byte FNSAVE image hex> <32-byte memory hex> <eflags hex>
 * Output line: <108-byte FNSAVE image hex> <32-byte memory hex> <eflags hex> <ax hex>
 *
 * The instruction runs between FRSTOR (loading the image) and FNSAVE; a memory operand must be
 * encoded as [ebx], which points at the 32-byte buffer. FNSAVE does not wait, so unmasked
 * exceptions are recorded instead of trapping; FNINIT afterwards discards them.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static int unhex(const char *s, unsigned char *out, int n) {
  for (int i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(s + 2 * i, "%2x", &v) != 1) return -1;
    out[i] = (unsigned char)v;
  }
  return 0;
}

static int emit(unsigned char *code, int p, const char *bytes, int n) {
  memcpy(code + p, bytes, n);
  return p + n;
}

int main(void) {
  unsigned char *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    char insnHex[64], imageHex[300], memHex[100];
    unsigned eflags;
    static unsigned char image[108], saved[108], mem[32], insn[16];
    if (sscanf(line, "%63s %299s %99s %x", insnHex, imageHex, memHex, &eflags) != 4) {
      puts("bad");
      continue;
    }
    int insnLen = (int)strlen(insnHex) / 2;
    if (insnLen > 15 || unhex(insnHex, insn, insnLen) || unhex(imageHex, image, 108) ||
        unhex(memHex, mem, 32)) {
      puts("bad");
      continue;
    }
    int p = 0;
    /* push ebx; push esi; push edi; push ebp */
    p = emit(code, p, "\x53\x56\x57\x55", 4);
    /* mov esi,[esp+20] (image); mov edi,[esp+24] (saved); mov ebx,[esp+28] (mem) */
    p = emit(code, p, "\x8b\x74\x24\x14\x8b\x7c\x24\x18\x8b\x5c\x24\x1c", 12);
    p = emit(code, p, "\xdd\x26", 2);             /* frstor [esi] */
    p = emit(code, p, "\x8b\x44\x24\x20", 4);     /* mov eax,[esp+32] (eflags) */
    p = emit(code, p, "\x50\x9d", 2);             /* push eax; popfd */
    p = emit(code, p, "\xb8\x34\x12\x00\x00", 5); /* mov eax,0x1234 */
    p = emit(code, p, (const char *)insn, insnLen);
    p = emit(code, p, "\xdd\x37", 2);             /* fnsave [edi] */
    p = emit(code, p, "\x9c\x5a", 2);             /* pushfd; pop edx */
    p = emit(code, p, "\x8b\x4c\x24\x24", 4);     /* mov ecx,[esp+36] (results) */
    p = emit(code, p, "\x89\x11\x89\x41\x04", 5); /* mov [ecx],edx; mov [ecx+4],eax */
    p = emit(code, p, "\xdb\xe3", 2);             /* fninit */
    p = emit(code, p, "\x5d\x5f\x5e\x5b\xc3", 5); /* pop ebp; pop edi; pop esi; pop ebx; ret */
    unsigned results[2];
    void (*run)(void *, void *, void *, unsigned, unsigned *) = (void *)code;
    run(image, saved, mem, eflags, results);
    for (int i = 0; i < 108; i++) printf("%02x", saved[i]);
    putchar(' ');
    for (int i = 0; i < 32; i++) printf("%02x", mem[i]);
    printf(" %08x %04x\n", results[0], results[1] & 0xffff);
    fflush(stdout);
  }
  return 0;
}
