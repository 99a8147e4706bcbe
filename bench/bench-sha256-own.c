/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bench-sha256-own.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SHA_NI_CODE 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const guint32 K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
blocks_portable (guint32       state[8],
                 const guint8 *data,
                 gsize         n_blocks)
{
  for (; n_blocks > 0; n_blocks--, data += 64)
    {
      guint32 w[64];
      guint32 a = state[0], b = state[1], c = state[2], d = state[3];
      guint32 e = state[4], f = state[5], g = state[6], h = state[7];

      for (guint i = 0; i < 16; i++)
        w[i] = (guint32)data[4 * i] << 24 | (guint32)data[4 * i + 1] << 16 |
               (guint32)data[4 * i + 2] << 8 | data[4 * i + 3];
      for (guint i = 16; i < 64; i++)
        {
          guint32 s0 = ROTR (w[i - 15], 7) ^ ROTR (w[i - 15], 18) ^ (w[i - 15] >> 3);
          guint32 s1 = ROTR (w[i - 2], 17) ^ ROTR (w[i - 2], 19) ^ (w[i - 2] >> 10);

          w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
      for (guint i = 0; i < 64; i++)
        {
          guint32 t1 = h + (ROTR (e, 6) ^ ROTR (e, 11) ^ ROTR (e, 25)) + ((e & f) ^ (~e & g)) +
                       K[i] + w[i];
          guint32 t2 = (ROTR (a, 2) ^ ROTR (a, 13) ^ ROTR (a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

          h = g;
          g = f;
          f = e;
          e = d + t1;
          d = c;
          c = b;
          b = a;
          a = t1 + t2;
        }
      state[0] += a;
      state[1] += b;
      state[2] += c;
      state[3] += d;
      state[4] += e;
      state[5] += f;
      state[6] += g;
      state[7] += h;
    }
}

#ifdef HAVE_SHA_NI_CODE
/* The SHA-NI rounds: two rounds per sha256rnds2, the message schedule
 * four words at a time with sha256msg1/msg2. */
__attribute__((target ("sha,sse4.1,ssse3")))
static void
blocks_sha_ni (guint32       state[8],
               const guint8 *data,
               gsize         n_blocks)
{
  const __m128i swap = _mm_set_epi64x (0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i tmp, state0, state1;

  tmp = _mm_loadu_si128 ((const __m128i *)(gconstpointer)&state[0]);      /* ABCD */
  state1 = _mm_loadu_si128 ((const __m128i *)(gconstpointer)&state[4]);   /* EFGH */
  tmp = _mm_shuffle_epi32 (tmp, 0xB1);                       /* CDAB */
  state1 = _mm_shuffle_epi32 (state1, 0x1B);                 /* EFGH */
  state0 = _mm_alignr_epi8 (tmp, state1, 8);                 /* ABEF */
  state1 = _mm_blend_epi16 (state1, tmp, 0xF0);              /* CDGH */

  for (; n_blocks > 0; n_blocks--, data += 64)
    {
      __m128i w[16];
      __m128i abef = state0, cdgh = state1;

      for (guint t = 0; t < 16; t++)
        {
          __m128i msg;

          if (t < 4)
            w[t] = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *)(gconstpointer)(data + 16 * t)), swap);
          else
            w[t] = _mm_sha256msg2_epu32 (_mm_add_epi32 (_mm_sha256msg1_epu32 (w[t - 4], w[t - 3]),
                                                        _mm_alignr_epi8 (w[t - 1], w[t - 2], 4)),
                                         w[t - 1]);
          msg = _mm_add_epi32 (w[t], _mm_loadu_si128 ((const __m128i *)(gconstpointer)&K[4 * t]));
          state1 = _mm_sha256rnds2_epu32 (state1, state0, msg);
          msg = _mm_shuffle_epi32 (msg, 0x0E);
          state0 = _mm_sha256rnds2_epu32 (state0, state1, msg);
        }
      state0 = _mm_add_epi32 (state0, abef);
      state1 = _mm_add_epi32 (state1, cdgh);
    }

  tmp = _mm_shuffle_epi32 (state0, 0x1B);                    /* FEBA */
  state1 = _mm_shuffle_epi32 (state1, 0xB1);                 /* DCHG */
  state0 = _mm_blend_epi16 (tmp, state1, 0xF0);              /* DCBA */
  state1 = _mm_alignr_epi8 (state1, tmp, 8);                 /* HGFE */
  _mm_storeu_si128 ((__m128i *)(gpointer)&state[0], state0);
  _mm_storeu_si128 ((__m128i *)(gpointer)&state[4], state1);
}

static gboolean
cpu_has_sha_ni (void)
{
  unsigned int a, b, c, d;

  if (!__get_cpuid (1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
    return FALSE;
  if (__get_cpuid_max (0, NULL) < 7)
    return FALSE;
  __cpuid_count (7, 0, a, b, c, d);
  return (b & (1u << 29)) != 0;   /* SHA */
}
#endif

typedef void (*BlocksFunc) (guint32 state[8], const guint8 *data, gsize n_blocks);

static BlocksFunc blocks = NULL;

static BlocksFunc
get_blocks (void)
{
  BlocksFunc f = g_atomic_pointer_get (&blocks);

  if (G_UNLIKELY (f == NULL))
    {
      f = blocks_portable;
#ifdef HAVE_SHA_NI_CODE
      if (cpu_has_sha_ni ())
        f = blocks_sha_ni;
#endif
      g_atomic_pointer_set (&blocks, f);
    }
  return f;
}

gboolean
bulletin_sha256_use_hardware (gboolean allow)
{
  BlocksFunc f = blocks_portable;

#ifdef HAVE_SHA_NI_CODE
  if (allow && cpu_has_sha_ni ())
    f = blocks_sha_ni;
#endif
  g_atomic_pointer_set (&blocks, f);
  return f != blocks_portable;
}

void
bulletin_sha256_init (BulletinSha256 *sha)
{
  static const guint32 initial[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  };

  memcpy (sha->state, initial, sizeof initial);
  sha->length = 0;
  sha->buffered = 0;
}

void
bulletin_sha256_update (BulletinSha256 *sha,
                        const void     *data,
                        gsize           len)
{
  const guint8 *p = data;
  BlocksFunc f = get_blocks ();

  sha->length += len;
  if (sha->buffered > 0)
    {
      gsize n = MIN (len, 64 - sha->buffered);

      memcpy (sha->buffer + sha->buffered, p, n);
      sha->buffered += n;
      p += n;
      len -= n;
      if (sha->buffered < 64)
        return;
      f (sha->state, sha->buffer, 1);
      sha->buffered = 0;
    }
  if (len >= 64)
    {
      f (sha->state, p, len / 64);
      p += len / 64 * 64;
      len %= 64;
    }
  memcpy (sha->buffer, p, len);
  sha->buffered = len;
}

void
bulletin_sha256_finish (BulletinSha256 *sha,
                        guint8          digest[32])
{
  guint64 bits = sha->length * 8;
  BlocksFunc f = get_blocks ();

  sha->buffer[sha->buffered++] = 0x80;
  if (sha->buffered > 56)
    {
      memset (sha->buffer + sha->buffered, 0, 64 - sha->buffered);
      f (sha->state, sha->buffer, 1);
      sha->buffered = 0;
    }
  memset (sha->buffer + sha->buffered, 0, 56 - sha->buffered);
  for (guint i = 0; i < 8; i++)
    sha->buffer[56 + i] = (guint8)(bits >> (56 - 8 * i));
  f (sha->state, sha->buffer, 1);

  for (guint i = 0; i < 8; i++)
    {
      digest[4 * i] = sha->state[i] >> 24;
      digest[4 * i + 1] = sha->state[i] >> 16;
      digest[4 * i + 2] = sha->state[i] >> 8;
      digest[4 * i + 3] = sha->state[i];
    }
}
