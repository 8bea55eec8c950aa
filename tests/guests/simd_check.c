/*
 * Floating-point and SIMD results as exact bits, for comparing a guest CPU with the host.
 *
 * Build with build_simd_check.sh (gcc -m32 -msse2 -O2 -static). Scalar float and double code
 * compiles to x87 under -m32; SSE and SSE2 come from <emmintrin.h> intrinsics. Every result is
 * folded into an FNV-1a hash per group, followed by the group's x87 and MXCSR exception flags.
 *
 *   simd_check          one line per group: "NAME COUNT HASH", then "checksum HASH"
 *   simd_check NAME     every value of group NAME: "NAME INDEX HEXBITS"
 *
 * x87_transcendental is left out of the checksum: FSIN, FCOS, FPATAN, F2XM1 and FYL2X are not
 * correctly rounded and their last bit differs between CPU vendors (Intel reduces against a
 * 66-bit pi, SDM vol. 1 section 8.3.10), so its values are compared within one ulp.
 *
 * Output goes through write(2) only, which keeps the static binary small.
 */
#include <emmintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static const char *only;  /* the group to print value by value, or 0 */
static const char *group; /* the current group */
static int approximate;   /* whether the current group stays out of the checksum */
static int printing;      /* whether the current group prints its values */
static uint32_t hash, total = 2166136261u;
static unsigned count;
static char buf[4096];
static unsigned used;

static void flush(void) {
  if (used) write(1, buf, used);
  used = 0;
}

static void put(const char *s) {
  while (*s) {
    if (used == sizeof buf) flush();
    buf[used++] = *s++;
  }
}

static void put_hex(const unsigned char *bytes, unsigned n) {
  static const char digits[] = "0123456789abcdef";
  char text[2 * 16 + 1];
  unsigned i;
  for (i = 0; i < n; i++) { /* most significant byte first: reads as a number */
    text[2 * i] = digits[bytes[n - 1 - i] >> 4];
    text[2 * i + 1] = digits[bytes[n - 1 - i] & 15];
  }
  text[2 * n] = 0;
  put(text);
}

static void put_u32(uint32_t v) {
  char text[11];
  int i = 10;
  text[i] = 0;
  do {
    text[--i] = '0' + v % 10;
    v /= 10;
  } while (v);
  put(text + i);
}

/* Folds n bytes into the group hash; in value mode also prints them. */
static void emit(const void *p, unsigned n) {
  const unsigned char *b = p;
  unsigned i;
  for (i = 0; i < n; i++) hash = (hash ^ b[i]) * 16777619u;
  if (printing) {
    put(group);
    put(" ");
    put_u32(count);
    put(" ");
    put_hex(b, n);
    put("\n");
  }
  count++;
}

#define EMIT(v)                                                                                  \
  do {                                                                                           \
    __typeof__(v) emit_value_ = (v);                                                             \
    emit(&emit_value_, sizeof emit_value_ == 12 ? 10 : sizeof emit_value_);                      \
  } while (0)

static uint16_t x87_status(void) {
  uint16_t sw;
  __asm__ volatile("fnstsw %0" : "=m"(sw));
  return sw;
}

static void clear_flags(void) {
  __asm__ volatile("fnclex");
  _mm_setcsr(_mm_getcsr() & ~0x3fu);
}

static void begin(const char *name) {
  group = name;
  printing = only && strcmp(only, name) == 0;
  hash = 2166136261u;
  count = 0;
  clear_flags();
}

/* Ends a group with its sticky exception flags (x87 IE..PE, MXCSR IE..PE). */
static void end(void) {
  uint32_t flags = (x87_status() & 0x3fu) | (_mm_getcsr() & 0x3fu) << 8;
  EMIT(flags);
  if (!only) {
    put(group);
    put(" ");
    put_u32(count);
    put(" ");
    put_hex((const unsigned char *)&hash, 4);
    put("\n");
  }
  if (!approximate) total = (total ^ hash) * 16777619u;
  approximate = 0;
  _mm_setcsr(0x1f80);
}

/* Inputs as bit patterns: zeros, ordinary numbers, extremes, denormals, infinities, NaNs. */
static uint32_t f32_bits[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40400000, 0x3dcccccd,
    0x3a83126f, 0x7149f2ca, 0xf149f2ca, 0x7f7fffff, 0x00800000, 0x00000001, 0x807fffff,
    0x7f800000, 0xff800000, 0x7fc00000, 0x7fc12345, 0x7f800001, 0xffc00001, 0x4b800001,
    0x47f12065, 0xc0e80000, 0x40490fdb, 0x4effffff, 0xcf000000, 0x3effffff, 0x3f000001,
};
static uint64_t f64_bits[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x3ff8000000000000ull, 0x3fb999999999999aull, 0x3f50624dd2f1a9fcull, 0x7e37e43c8800759cull,
    0xfe37e43c8800759cull, 0x7fefffffffffffffull, 0x0010000000000000ull, 0x0000000000000001ull,
    0x800fffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0x7ff8000000012345ull, 0x7ff0000000000001ull, 0xfff8000000000001ull, 0x4340000000000001ull,
    0x40fe240c9fbe76c9ull, 0xc01d000000000000ull, 0x400921fb54442d18ull, 0x41dfffffffc00000ull,
    0xc1e0000000200000ull, 0x3fdfffffffffffffull, 0x36a0000000000000ull, 0x47efffffe0000000ull,
};
#define NF (sizeof f32_bits / sizeof f32_bits[0])
#define ND (sizeof f64_bits / sizeof f64_bits[0])

static float f32(unsigned i) {
  float f;
  memcpy(&f, &f32_bits[i % NF], 4);
  return f;
}

static double f64(unsigned i) {
  double d;
  memcpy(&d, &f64_bits[i % ND], 8);
  return d;
}

/* Deterministic pseudo-random bits for the integer SIMD groups. */
static uint32_t seed = 0x12345678u;
static uint32_t next(void) {
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}

static __m128i random_i(void) {
  return _mm_set_epi32((int)next(), (int)next(), (int)next(), (int)next());
}

/* Bytes with many edge values (0, 1, 0x7f, 0x80, 0xff) for saturation and sign cases. */
static __m128i edgy_i(void) {
  static const unsigned char edges[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x81};
  unsigned char b[16];
  unsigned i;
  for (i = 0; i < 16; i++) {
    uint32_t r = next();
    b[i] = r & 1 ? edges[(r >> 1) % sizeof edges] : (unsigned char)(r >> 8);
  }
  return _mm_loadu_si128((const __m128i *)b);
}

static void scalar_f32(void) {
  unsigned i, j;
  begin("x87_f32_add_sub");
  for (i = 0; i < NF; i++)
    for (j = 0; j < NF; j++) {
      EMIT(f32(i) + f32(j));
      EMIT(f32(i) - f32(j));
    }
  end();
  begin("x87_f32_mul_div");
  for (i = 0; i < NF; i++)
    for (j = 0; j < NF; j++) {
      EMIT(f32(i) * f32(j));
      EMIT(f32(i) / f32(j));
    }
  end();
  begin("x87_f32_sqrt_cmp");
  for (i = 0; i < NF; i++) {
    EMIT(sqrtf(f32(i)));
    for (j = 0; j < NF; j++) {
      unsigned char c = (f32(i) < f32(j)) | (f32(i) == f32(j)) << 1 | (f32(i) > f32(j)) << 2 |
                        (!!__builtin_isunordered(f32(i), f32(j))) << 3;
      EMIT(c);
    }
  }
  end();
}

static void scalar_f64(void) {
  unsigned i, j;
  begin("x87_f64_add_sub");
  for (i = 0; i < ND; i++)
    for (j = 0; j < ND; j++) {
      EMIT(f64(i) + f64(j));
      EMIT(f64(i) - f64(j));
    }
  end();
  begin("x87_f64_mul_div");
  for (i = 0; i < ND; i++)
    for (j = 0; j < ND; j++) {
      EMIT(f64(i) * f64(j));
      EMIT(f64(i) / f64(j));
    }
  end();
  begin("x87_f64_sqrt");
  for (i = 0; i < ND; i++) EMIT(sqrt(f64(i)));
  end();
  begin("x87_sum_product");
  {
    double s = 0, p = 1;
    float sf = 0;
    for (i = 1; i <= 1000; i++) {
      s += 1.0 / i;
      sf += 1.0f / (float)i;
      p *= 1.0 + 1.0 / (i * 7.0);
      if ((i & 63) == 0) {
        EMIT(s);
        EMIT(sf);
        EMIT(p);
      }
    }
  }
  end();
}

static void libm(void) {
  unsigned i;
  begin("libm_sin_cos");
  for (i = 0; i < ND; i++) {
    EMIT(sin(f64(i)));
    EMIT(cos(f64(i)));
  }
  for (i = 0; i < 64; i++) {
    double x = -20.0 + i * 0.6251;
    EMIT(sin(x));
    EMIT(cos(x));
    EMIT(tan(x));
  }
  end();
  begin("libm_exp_log");
  for (i = 0; i < ND; i++) {
    EMIT(exp(f64(i)));
    EMIT(log(f64(i)));
  }
  for (i = 0; i < 64; i++) {
    double x = -40.0 + i * 1.3173;
    EMIT(exp(x));
    EMIT(log(fabs(x)));
    EMIT(pow(fabs(x), 0.37));
    EMIT(atan2(x, 3.0));
  }
  end();
  begin("libm_float");
  for (i = 0; i < 64; i++) {
    float x = -10.0f + i * 0.3131f;
    EMIT(sinf(x));
    EMIT(expf(x));
    EMIT(logf(fabsf(x)));
    EMIT(floorf(x));
    EMIT(roundf(x));
  }
  end();
}

static void conversions(void) {
  unsigned i;
  begin("x87_conversions");
  for (i = 0; i < NF; i++) {
    volatile float f = f32(i);
    EMIT((double)f);
    if (isfinite(f) && fabsf(f) < 2e9f) {
      EMIT((int)f);
      EMIT((long long)f);
    }
  }
  for (i = 0; i < ND; i++) {
    volatile double d = f64(i);
    EMIT((float)d);
    if (isfinite(d) && fabs(d) < 2e9) EMIT((int)d);
    if (isfinite(d) && fabs(d) < 9e18) EMIT((long long)d);
    if (isfinite(d) && d >= 0 && d < 4e9) EMIT((unsigned)d);
    EMIT(lrint(d));
  }
  for (i = 0; i < 32; i++) {
    int n = (int)next();
    long long q = ((long long)n << 31) ^ next();
    EMIT((float)n);
    EMIT((double)n);
    EMIT((float)q);
    EMIT((double)q);
    EMIT((double)(unsigned)n);
  }
  end();
}

static void long_double(void) {
  unsigned i, j;
  begin("x87_long_double");
  for (i = 0; i < ND; i++) {
    long double a = f64(i);
    EMIT(sqrtl(a));
    for (j = 0; j < ND; j++) {
      long double b = f64(j);
      EMIT(a + b);
      EMIT(a * b);
      EMIT(a / b);
    }
  }
  {
    long double s = 0, p = 1;
    for (i = 1; i <= 200; i++) {
      s += 1.0L / i;
      p *= 1.0L + 1.0L / (i * 3.0L);
    }
    EMIT(s);
    EMIT(p);
    EMIT((double)s);
    EMIT((float)p);
    EMIT((long long)(s * 1e15L));
  }
  end();
}

/* x87 instructions libm may not reach, by inline assembly: results are implementation-exact. */
static void x87_special(void) {
  unsigned i;
  begin("x87_fprem_fscale_frndint");
  for (i = 0; i < ND; i++) {
    long double x = f64(i), r, s, t;
    __asm__("fprem1" : "=t"(r) : "0"(x), "u"(3.0L));
    EMIT(r);
    __asm__("fscale" : "=t"(s) : "0"(x), "u"(5.0L));
    EMIT(s);
    __asm__("frndint" : "=t"(t) : "0"(x * 1.5L));
    EMIT(t);
    __asm__("fxtract; fstp %%st(0)" : "=t"(t) : "0"(x));
    EMIT(t);
  }
  end();
  begin("x87_transcendental");
  approximate = 1;
  for (i = 0; i < 48; i++) {
    long double x = -6.0L + i * 0.2591L, r, y;
    __asm__("fsin" : "=t"(r) : "0"(x));
    EMIT(r);
    __asm__("fcos" : "=t"(r) : "0"(x));
    EMIT(r);
    __asm__("fpatan" : "=t"(r) : "0"(x), "u"(1.25L) : "st(1)");
    EMIT(r);
    y = x / 8.0L;
    __asm__("f2xm1" : "=t"(r) : "0"(y));
    EMIT(r);
    y = fabsl(x) + 0.5L;
    __asm__("fyl2x" : "=t"(r) : "0"(y), "u"(0.75L) : "st(1)");
    EMIT(r);
  }
  end();
}

static void sse_float(void) {
  unsigned i, j;
  begin("sse_ps_arith");
  for (i = 0; i < NF; i += 4)
    for (j = 0; j < NF; j++) {
      __m128 a = _mm_set_ps(f32(i + 3), f32(i + 2), f32(i + 1), f32(i));
      __m128 b = _mm_set_ps(f32(j + 1), f32(j + 3), f32(j), f32(j + 2));
      EMIT(_mm_add_ps(a, b));
      EMIT(_mm_sub_ps(a, b));
      EMIT(_mm_mul_ps(a, b));
      EMIT(_mm_div_ps(a, b));
      EMIT(_mm_min_ps(a, b));
      EMIT(_mm_max_ps(a, b));
      EMIT(_mm_cmplt_ps(a, b));
      EMIT(_mm_cmpunord_ps(a, b));
      EMIT(_mm_add_ss(a, b));
      EMIT(_mm_comilt_ss(a, b) | _mm_ucomieq_ss(a, b) << 1);
    }
  end();
  begin("sse_ps_sqrt_cvt");
  for (i = 0; i < NF; i += 4) {
    __m128 a = _mm_set_ps(f32(i + 3), f32(i + 2), f32(i + 1), f32(i));
    EMIT(_mm_sqrt_ps(a));
    EMIT(_mm_cvtps_epi32(a));
    EMIT(_mm_cvttps_epi32(a));
    EMIT(_mm_cvtps_pd(a));
    EMIT(_mm_cvtss_si32(a));
    EMIT(_mm_cvttss_si32(a));
    EMIT(_mm_movemask_ps(a));
    EMIT(_mm_cvtepi32_ps(random_i()));
  }
  end();
  begin("sse2_pd_arith");
  for (i = 0; i < ND; i += 2)
    for (j = 0; j < ND; j++) {
      __m128d a = _mm_set_pd(f64(i + 1), f64(i));
      __m128d b = _mm_set_pd(f64(j), f64(j + 1));
      EMIT(_mm_add_pd(a, b));
      EMIT(_mm_sub_pd(a, b));
      EMIT(_mm_mul_pd(a, b));
      EMIT(_mm_div_pd(a, b));
      EMIT(_mm_min_pd(a, b));
      EMIT(_mm_max_pd(a, b));
      EMIT(_mm_cmple_pd(a, b));
      EMIT(_mm_cmpneq_pd(a, b));
      EMIT(_mm_mul_sd(a, b));
      EMIT(_mm_comige_sd(a, b) | _mm_ucomineq_sd(a, b) << 1);
    }
  end();
  begin("sse2_pd_sqrt_cvt");
  for (i = 0; i < ND; i += 2) {
    __m128d a = _mm_set_pd(f64(i + 1), f64(i));
    EMIT(_mm_sqrt_pd(a));
    EMIT(_mm_cvtpd_ps(a));
    EMIT(_mm_cvtpd_epi32(a));
    EMIT(_mm_cvttpd_epi32(a));
    EMIT(_mm_cvtsd_si32(a));
    EMIT(_mm_cvtsd_ss(_mm_set1_ps(1.0f), a));
    EMIT(_mm_movemask_pd(a));
    EMIT(_mm_cvtepi32_pd(random_i()));
    EMIT(_mm_cvtsi32_sd(a, (int)next()));
  }
  end();
}

static void sse_rounding(void) {
  static const unsigned modes[] = {_MM_ROUND_NEAREST, _MM_ROUND_DOWN, _MM_ROUND_UP,
                                   _MM_ROUND_TOWARD_ZERO};
  unsigned m, i;
  for (m = 0; m < 4; m++) {
    static const char *names[] = {"mxcsr_round_nearest", "mxcsr_round_down", "mxcsr_round_up",
                                  "mxcsr_round_zero"};
    begin(names[m]);
    _MM_SET_ROUNDING_MODE(modes[m]);
    for (i = 0; i < ND; i += 2) {
      __m128d a = _mm_set_pd(f64(i + 1), f64(i));
      __m128d b = _mm_set_pd(3.0, -7.0);
      __m128 fa = _mm_set_ps(f32(i + 1), f32(i), -2.5f, 2.5f);
      EMIT(_mm_div_pd(a, b));
      EMIT(_mm_add_pd(a, _mm_set1_pd(1e-17)));
      EMIT(_mm_sqrt_pd(a));
      EMIT(_mm_cvtpd_ps(a));
      EMIT(_mm_cvtpd_epi32(_mm_mul_pd(a, _mm_set1_pd(0.3))));
      EMIT(_mm_div_ps(fa, _mm_set1_ps(3.0f)));
      EMIT(_mm_cvtps_epi32(fa));
      EMIT(_mm_cvtps_epi32(_mm_mul_ps(fa, _mm_set1_ps(1.7f))));
      EMIT(_mm_cvtsi32_ss(fa, 0x7fffffc1 - (int)i));
    }
    EMIT(_mm_getcsr());
    end();
  }
}

static void sse2_integer(void) {
  unsigned i;
  begin("sse2_int_arith");
  for (i = 0; i < 64; i++) {
    __m128i a = i & 1 ? edgy_i() : random_i(), b = i & 2 ? edgy_i() : random_i();
    EMIT(_mm_add_epi8(a, b));
    EMIT(_mm_add_epi16(a, b));
    EMIT(_mm_add_epi32(a, b));
    EMIT(_mm_add_epi64(a, b));
    EMIT(_mm_sub_epi64(a, b));
    EMIT(_mm_adds_epi8(a, b));
    EMIT(_mm_adds_epu8(a, b));
    EMIT(_mm_adds_epi16(a, b));
    EMIT(_mm_subs_epu16(a, b));
    EMIT(_mm_subs_epi8(a, b));
    EMIT(_mm_mullo_epi16(a, b));
    EMIT(_mm_mulhi_epi16(a, b));
    EMIT(_mm_mulhi_epu16(a, b));
    EMIT(_mm_mul_epu32(a, b));
    EMIT(_mm_madd_epi16(a, b));
    EMIT(_mm_sad_epu8(a, b));
    EMIT(_mm_avg_epu8(a, b));
    EMIT(_mm_avg_epu16(a, b));
    EMIT(_mm_min_epu8(a, b));
    EMIT(_mm_max_epi16(a, b));
    EMIT(_mm_cmpeq_epi8(a, b));
    EMIT(_mm_cmpgt_epi16(a, b));
    EMIT(_mm_cmpgt_epi32(a, b));
    EMIT(_mm_andnot_si128(a, b));
    EMIT(_mm_xor_si128(a, _mm_or_si128(a, b)));
  }
  end();
  begin("sse2_int_shift_pack");
  for (i = 0; i < 64; i++) {
    __m128i a = i & 1 ? edgy_i() : random_i(), b = random_i();
    __m128i count = _mm_cvtsi32_si128((int)(i & 31) + (i & 32 ? 40 : 0));
    EMIT(_mm_slli_epi16(a, 3));
    EMIT(_mm_srli_epi32(a, 7));
    EMIT(_mm_srai_epi16(a, 5));
    EMIT(_mm_srai_epi32(a, 31));
    EMIT(_mm_slli_epi64(a, 33));
    EMIT(_mm_sll_epi16(a, count));
    EMIT(_mm_srl_epi64(a, count));
    EMIT(_mm_sra_epi32(a, count));
    EMIT(_mm_slli_si128(a, 3));
    EMIT(_mm_srli_si128(a, 9));
    EMIT(_mm_packs_epi16(a, b));
    EMIT(_mm_packs_epi32(a, b));
    EMIT(_mm_packus_epi16(a, b));
    EMIT(_mm_unpacklo_epi8(a, b));
    EMIT(_mm_unpackhi_epi16(a, b));
    EMIT(_mm_unpacklo_epi32(a, b));
    EMIT(_mm_unpackhi_epi64(a, b));
  }
  end();
  begin("sse2_shuffle_move");
  for (i = 0; i < 64; i++) {
    __m128i a = random_i(), b = edgy_i();
    __m128 fa = _mm_castsi128_ps(a), fb = _mm_castsi128_ps(b);
    __m128d da = _mm_castsi128_pd(a), db = _mm_castsi128_pd(b);
    EMIT(_mm_shuffle_epi32(a, 0x1b));
    EMIT(_mm_shuffle_epi32(a, 0xe1));
    EMIT(_mm_shufflelo_epi16(a, 0x93));
    EMIT(_mm_shufflehi_epi16(a, 0x4e));
    EMIT(_mm_shuffle_ps(fa, fb, 0x9c));
    EMIT(_mm_shuffle_pd(da, db, 1));
    EMIT(_mm_unpackhi_ps(fa, fb));
    EMIT(_mm_unpacklo_pd(da, db));
    EMIT(_mm_movehl_ps(fa, fb));
    EMIT(_mm_movelh_ps(fa, fb));
    EMIT(_mm_move_ss(fa, fb));
    EMIT(_mm_move_sd(da, db));
    EMIT(_mm_movemask_epi8(b));
    EMIT(_mm_extract_epi16(a, (int)5));
    EMIT(_mm_insert_epi16(a, (int)next(), 2));
    EMIT(_mm_cvtsi128_si32(b));
    EMIT(_mm_move_epi64(a));
  }
  end();
}

/* Flush-to-zero and denormals-are-zero: last, as a CPU without DAZ faults on setting it. */
static void sse_ftz_daz(void) {
  unsigned i, j;
  begin("mxcsr_ftz_daz");
  _mm_setcsr(0x1f80 | 0x8000 | 0x0040);
  for (i = 0; i < NF; i += 4)
    for (j = 0; j < NF; j++) {
      __m128 a = _mm_set_ps(f32(i + 3), f32(i + 2), f32(i + 1), f32(i));
      __m128 b = _mm_set1_ps(f32(j));
      EMIT(_mm_mul_ps(a, b));
      EMIT(_mm_add_ps(a, b));
      EMIT(_mm_cmpeq_ps(a, b));
      EMIT(_mm_mul_pd(_mm_set1_pd(f64(i)), _mm_set1_pd(f64(j))));
    }
  EMIT(_mm_getcsr());
  end();
}

int main(int argc, char **argv) {
  only = argc > 1 ? argv[1] : 0;
  scalar_f32();
  scalar_f64();
  libm();
  conversions();
  long_double();
  x87_special();
  sse_float();
  sse_rounding();
  sse2_integer();
  sse_ftz_daz();
  if (!only) {
    put("checksum ");
    put_hex((const unsigned char *)&total, 4);
    put("\n");
  }
  flush();
  return 0;
}
