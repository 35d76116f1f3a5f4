/* test_curve.c - zmq_curve_keypair / zmq_curve_public.
 *
 * The key functions work in every zmqrs build (X25519 is always built in),
 * whatever zmq_has("curve") says about the CURVE mechanism itself.
 */
#include <stdint.h>
#include <zmq.h>

#include "testutil.h"

/* RFC 7748 section 6.1 X25519 test vectors, Z85-encoded. */
static const char alice_secret_z85[] = "Cl.%(A#p:4jqL+Nql<!5?+kXU(+F]rV3l8w9L0ZJ";
static const char alice_public_z85[] = "G=]<>I7>&bBC>O5V{aj/4zK}kco8}o(.HIuS*=:#";
static const char bob_secret_z85[] = "u8[lWvOhIJDeTmhGmBD]z-+iMck:h&950i$%a]R0";
static const char bob_public_z85[] = "?K-FIDWS-q^{3m$)bQ2.kz8tAtx<^PT]9RZz?]]t";

static const uint8_t alice_secret_bin[32] = {
  0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1,
  0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0,
  0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a};
static const uint8_t alice_public_bin[32] = {
  0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d,
  0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38,
  0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a};

static void test_keypair_format (void)
{
    char pub[41 + 2], sec[41 + 2];
    uint8_t bin[32];
    memset (pub, '#', sizeof pub);
    memset (sec, '#', sizeof sec);
    CHECK_EQ_INT (0, zmq_curve_keypair (pub, sec));
    CHECK_EQ_INT (40, strlen (pub));
    CHECK_EQ_INT (40, strlen (sec));
    CHECK (pub[41] == '#' && sec[41] == '#');
    CHECK (zmq_z85_decode (bin, pub) == bin);
    CHECK (zmq_z85_decode (bin, sec) == bin);
    CHECK (strcmp (pub, sec) != 0);
}

static void test_public_from_secret (void)
{
    char pub[41], sec[41], derived[41];
    int i;
    for (i = 0; i < 5; i++) {
        CHECK_EQ_INT (0, zmq_curve_keypair (pub, sec));
        memset (derived, 0, sizeof derived);
        CHECK_EQ_INT (0, zmq_curve_public (derived, sec));
        CHECK_EQ_STR (pub, derived);
    }
}

static void test_keypairs_differ (void)
{
    char pub1[41], sec1[41], pub2[41], sec2[41];
    CHECK_EQ_INT (0, zmq_curve_keypair (pub1, sec1));
    CHECK_EQ_INT (0, zmq_curve_keypair (pub2, sec2));
    CHECK (strcmp (pub1, pub2) != 0);
    CHECK (strcmp (sec1, sec2) != 0);
}

/* The Z85 constants above really are the RFC 7748 bytes. */
static void test_vector_encoding (void)
{
    char text[41];
    CHECK (zmq_z85_encode (text, alice_secret_bin, 32) == text);
    CHECK_EQ_STR (alice_secret_z85, text);
    CHECK (zmq_z85_encode (text, alice_public_bin, 32) == text);
    CHECK_EQ_STR (alice_public_z85, text);
}

static void test_rfc7748_vectors (void)
{
    char pub[41];
    memset (pub, 0, sizeof pub);
    CHECK_EQ_INT (0, zmq_curve_public (pub, alice_secret_z85));
    CHECK_EQ_STR (alice_public_z85, pub);
    memset (pub, 0, sizeof pub);
    CHECK_EQ_INT (0, zmq_curve_public (pub, bob_secret_z85));
    CHECK_EQ_STR (bob_public_z85, pub);
}

/* An undecodable secret fails with the Z85 decoder's errno (EINVAL). */
static void test_public_invalid_secret (void)
{
    char pub[41];
    char bad[41];
    /* 39 characters: not a multiple of 5 */
    CHECK_ERR (EINVAL,
               zmq_curve_public (pub, "Cl.%(A#p:4jqL+Nql<!5?+kXU(+F]rV3l8w9L0Z"));
    /* empty */
    CHECK_ERR (EINVAL, zmq_curve_public (pub, ""));
    /* 40 characters with one outside the alphabet */
    memcpy (bad, alice_secret_z85, sizeof bad);
    bad[17] = '~';
    CHECK_ERR (EINVAL, zmq_curve_public (pub, bad));
    /* 40 characters with an overflowing group */
    memcpy (bad, alice_secret_z85, sizeof bad);
    memcpy (bad + 35, "#####", 5);
    CHECK_ERR (EINVAL, zmq_curve_public (pub, bad));
}

int main (void)
{
    RUN (test_keypair_format);
    RUN (test_public_from_secret);
    RUN (test_keypairs_differ);
    RUN (test_vector_encoding);
    RUN (test_rfc7748_vectors);
    RUN (test_public_invalid_secret);
    return test_summary ();
}
