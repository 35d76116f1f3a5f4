/* test_z85.c - zmq_z85_encode / zmq_z85_decode (ZeroMQ RFC 32). */
#include <stdint.h>
#include <zmq.h>

#include "testutil.h"

static const uint8_t rfc_bytes[8] = {0x86, 0x4F, 0xD2, 0x6F,
                                     0xB5, 0x59, 0xF7, 0x5B};

static void test_rfc32_encode (void)
{
    char out[11 + 4];
    memset (out, '*', sizeof out);
    CHECK (zmq_z85_encode (out, rfc_bytes, 8) == out);
    CHECK_EQ_STR ("HelloWorld", out);
    /* exactly size*5/4 characters plus the terminator are written */
    CHECK (out[11] == '*');
}

static void test_rfc32_decode (void)
{
    uint8_t out[8 + 4];
    memset (out, 0xEE, sizeof out);
    CHECK (zmq_z85_decode (out, "HelloWorld") == out);
    CHECK_MEM (rfc_bytes, out, 8);
    /* exactly strlen*4/5 bytes are written */
    CHECK (out[8] == 0xEE);
}

static void test_extreme_values (void)
{
    static const uint8_t ones[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    static const uint8_t zeros[4] = {0, 0, 0, 0};
    char text[6];
    uint8_t bin[4];
    CHECK (zmq_z85_encode (text, ones, 4) != NULL);
    CHECK_EQ_STR ("%nSc0", text);
    CHECK (zmq_z85_decode (bin, "%nSc0") != NULL);
    CHECK_MEM (ones, bin, 4);
    CHECK (zmq_z85_encode (text, zeros, 4) != NULL);
    CHECK_EQ_STR ("00000", text);
    CHECK (zmq_z85_decode (bin, "00000") != NULL);
    CHECK_MEM (zeros, bin, 4);
}

/* Each alphabet character decodes to its index. */
static void test_alphabet (void)
{
    static const char alphabet[] = "0123456789"
                                   "abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   ".-:+=^!/*?&<>()[]{}@%$#";
    int i;
    CHECK_EQ_INT (85, strlen (alphabet));
    for (i = 0; i < 85; i++) {
        char group[6] = "0000?";
        uint8_t bin[4];
        uint8_t expect[4] = {0, 0, 0, (uint8_t) i};
        char back[6];
        group[4] = alphabet[i];
        CHECK (zmq_z85_decode (bin, group) == bin);
        CHECK_MEM (expect, bin, 4);
        CHECK (zmq_z85_encode (back, expect, 4) == back);
        CHECK_EQ_STR (group, back);
    }
}

static uint32_t rng_state = 12345u;

static uint8_t next_byte (void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (uint8_t) (rng_state >> 16);
}

static void test_round_trip_random_keys (void)
{
    int round, i;
    for (round = 0; round < 200; round++) {
        uint8_t key[32], back[32];
        char text[41 + 1];
        for (i = 0; i < 32; i++)
            key[i] = next_byte ();
        text[41] = '#';
        CHECK (zmq_z85_encode (text, key, 32) == text);
        CHECK_EQ_INT (40, strlen (text));
        CHECK (text[41] == '#');
        memset (back, 0, sizeof back);
        CHECK (zmq_z85_decode (back, text) == back);
        CHECK_MEM (key, back, 32);
    }
}

static void test_round_trip_lengths (void)
{
    uint8_t data[64], back[64];
    char text[81];
    size_t len, i;
    for (i = 0; i < sizeof data; i++)
        data[i] = (uint8_t) (i * 37u + 11u);
    for (len = 4; len <= sizeof data; len += 4) {
        CHECK (zmq_z85_encode (text, data, len) == text);
        CHECK_EQ_INT (len * 5 / 4, strlen (text));
        CHECK (zmq_z85_decode (back, text) == back);
        CHECK_MEM (data, back, len);
    }
}

static void test_encode_bad_size (void)
{
    static const uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    char out[16];
    size_t sizes[] = {1, 2, 3, 5, 6, 7};
    size_t i;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        errno = 0;
        CHECK (zmq_z85_encode (out, data, sizes[i]) == NULL);
        CHECK_EQ_INT (EINVAL, errno);
    }
}

static void test_decode_bad_length (void)
{
    static const char *inputs[] = {"H", "Hell", "Hello1", "HelloWorl",
                                   "HelloWorld1", "HelloWorldHell"};
    uint8_t out[16];
    size_t i;
    for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        errno = 0;
        CHECK (zmq_z85_decode (out, inputs[i]) == NULL);
        CHECK_EQ_INT (EINVAL, errno);
    }
}

static void test_decode_invalid_chars (void)
{
    /* not in the alphabet: space, quotes, comma, semicolon, backslash,
     * underscore, backtick, pipe, tilde, DEL, control and 8-bit bytes */
    static const char bad[] = {' ', '"', '\'', ',', ';', '\\', '_', '`',
                               '|', '~', 0x7f, 0x01, 0x1f, (char) 0x80,
                               (char) 0xC3, (char) 0xFF};
    size_t i;
    for (i = 0; i < sizeof bad; i++) {
        char input[11] = "HelloWorld";
        uint8_t out[8];
        input[7] = bad[i];
        errno = 0;
        CHECK (zmq_z85_decode (out, input) == NULL);
        CHECK_EQ_INT (EINVAL, errno);
        input[7] = 'r';
        input[0] = bad[i];
        errno = 0;
        CHECK (zmq_z85_decode (out, input) == NULL);
        CHECK_EQ_INT (EINVAL, errno);
    }
}

/* Groups whose value exceeds 0xFFFFFFFF are rejected. */
static void test_decode_overflow (void)
{
    static const char *inputs[] = {"%%%%%", "%nSc1", "#####", "%nSd0",
                                   "HelloWorld#####", "$0000"};
    uint8_t out[12];
    size_t i;
    for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        errno = 0;
        CHECK (zmq_z85_decode (out, inputs[i]) == NULL);
        CHECK_EQ_INT (EINVAL, errno);
    }
}

/* Empty input: encoding 0 bytes yields "" (success); decoding "" is
 * rejected (libzmq requires at least one 5-character group). */
static void test_empty (void)
{
    static const uint8_t data[1] = {0};
    char out[4] = "xyz";
    uint8_t bin[4];
    CHECK (zmq_z85_encode (out, data, 0) == out);
    CHECK_EQ_STR ("", out);
    errno = 0;
    CHECK (zmq_z85_decode (bin, "") == NULL);
    CHECK_EQ_INT (EINVAL, errno);
}

int main (void)
{
    RUN (test_rfc32_encode);
    RUN (test_rfc32_decode);
    RUN (test_extreme_values);
    RUN (test_alphabet);
    RUN (test_round_trip_random_keys);
    RUN (test_round_trip_lengths);
    RUN (test_encode_bad_size);
    RUN (test_decode_bad_length);
    RUN (test_decode_invalid_chars);
    RUN (test_decode_overflow);
    RUN (test_empty);
    return test_summary ();
}
