/* mixnet/frame.c -- the packet frame [1, 1, epoch, packet] (frame.h). */
#include "mixnet/frame.h"

#include "util/mp.h"

static int packet_len_ok(size_t len)
{
    return len >= MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MIN)
           && len <= MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MAX);
}

static size_t uint_len(uint64_t v)
{
    if (v < 128)
        return 1;
    if (v <= 0xff)
        return 2;
    if (v <= 0xffff)
        return 3;
    if (v <= 0xffffffffu)
        return 5;
    return 9;
}

size_t mix_frame_encoded_len(uint64_t epoch, size_t len)
{
    size_t bin_hdr = len <= 0xff ? 2 : len <= 0xffff ? 3 : 5;
    return 1 + 1 + 1 + uint_len(epoch) + bin_hdr + len;
}

int mix_frame_encode(sh_buf *out, uint64_t epoch, const uint8_t *packet, size_t len)
{
    if (out == NULL || packet == NULL)
        return SH_ERR_ARG;
    if (!packet_len_ok(len))
        return SH_ERR_LENGTH;
    if (epoch > MIX_FRAME_EPOCH_MAX)
        return SH_ERR_RANGE;
    int rc = sh_buf_reserve(out, mix_frame_encoded_len(epoch, len));
    if (rc != 0)
        return rc;
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, MIX_FRAME_VERSION, MIX_FRAME_TYPE_PACKET, 2);
    sh_mp_put_uint(&w, epoch);
    sh_mp_put_bin(&w, packet, len);
    return sh_mp_writer_finish(&w);
}

static int fail(const char **why, const char *reason, int rc)
{
    if (why != NULL)
        *why = reason;
    return rc;
}

int mix_frame_decode(const uint8_t *msg, size_t len, uint64_t *epoch,
                     const uint8_t **packet, size_t *packet_len, const char **why)
{
    if (why != NULL)
        *why = NULL;
    if ((msg == NULL && len > 0) || epoch == NULL || packet == NULL || packet_len == NULL)
        return fail(why, "frame: bad arguments", SH_ERR_ARG);
    *epoch = 0;
    *packet = NULL;
    *packet_len = 0;
    if (len > MIX_FRAME_MAX)
        return fail(why, "frame: too long", SH_ERR_OVERSIZE);

    /* Version and type first, so that another version is named as such. */
    uint64_t version, type;
    int rc = sh_mp_peek_envelope(msg, len, &version, &type);
    if (rc != 0)
        return fail(why, "frame: malformed envelope", rc);
    if (version != MIX_FRAME_VERSION)
        return fail(why, "frame: unknown version", SH_ERR_VERSION);
    if (type != MIX_FRAME_TYPE_PACKET)
        return fail(why, "frame: unknown type", SH_ERR_TYPE);

    sh_mp_reader r;
    rc = sh_mp_reader_init(&r, msg, len, MIX_FRAME_MAX);
    if (rc != 0)
        return fail(why, "frame: malformed msgpack", rc);
    sh_mp_arr f;
    uint64_t e = 0;
    const uint8_t *p = NULL;
    size_t plen = 0;
    const char *reason = NULL;
    rc = sh_mp_read_envelope(&r, MIX_FRAME_VERSION, &type, 2, 2, &f);
    if (rc != 0)
        reason = "frame: bad field count";
    else if ((rc = sh_mp_get_uint(&f, 0, MIX_FRAME_EPOCH_MAX, &e)) != 0)
        reason = "frame: bad epoch";
    else if ((rc = sh_mp_get_bin(&f, MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MAX),
                                 &p, &plen)) != 0)
        reason = "frame: bad packet field";
    else if (!packet_len_ok(plen)) {
        rc = SH_ERR_LENGTH;
        reason = "frame: bad packet size";
    }
    sh_mp_reader_free(&r);   /* p points into msg, not into the reader */
    if (rc != 0)
        return fail(why, reason, rc);
    *epoch = e;
    *packet = p;
    *packet_len = plen;
    return 0;
}
