/* sim/proto_rumor.h -- "rumour": a tiny push-gossip protocol built into the
 * simulator, as a baseline for real protocols and for engine benchmarks.
 *
 * Overlay.  Each node keeps a partial view of view_size random peers.
 * Membership upkeep: every upkeep period (first one at a random offset)
 * the node PINGs a random view member; the PONG carries `advertise` peers
 * of the responder's view, the first of which not yet known replaces a
 * random entry (a light view shuffle).  A PING unanswered after suspect_ns
 * makes the node suspect the peer (result SUSPECT) and replace it with a
 * random node.
 *
 * Dissemination ("infect and die").  A node that learns a rumour for the
 * first time (a local BROADCAST request, or a RUMOR message whose
 * signature verifies) delivers LEARNED(id, hops) and pushes it to `fanout`
 * distinct random members of its view.  Ids are remembered in a sliding
 * window of `window` ids: ids below the window count as seen.  Rumours are
 * signed by their origin through the sim_crypto provider (real Ed25519 in
 * full fidelity, the cost model in fast), padded to rumor_bytes.
 *
 * Byzantine behaviours (scenario faults of type "byzantine"):
 *   "silent"  learns rumours but never forwards them; answers PINGs;
 *   "flood"   forwards each rumour it learns to flood_factor * fanout
 *             random nodes anywhere (not just its view): overhead;
 *   "liar"    advertises only byzantine peers in its PONGs (an eclipse
 *             attempt) and forwards nothing.
 *
 * Wire format (big-endian):
 *   RUMOR = 'R' | 1 | id:u64 | origin:u32 | hops:u16 | sig:64 | zero pad
 *           (total rumor_bytes; the signature covers bytes 2..14)
 *   PING  = 'P' | 1 | nonce:u32
 *   PONG  = 'Q' | 1 | nonce:u32 | n:u8 | peer:u32 * n
 */
#ifndef SHROUD_SIM_PROTO_RUMOR_H
#define SHROUD_SIM_PROTO_RUMOR_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"
#include "sim/crypto.h"
#include "sim/registry.h"

#define SIM_RUMOR_HEADER 80           /* 'R' 1 id origin hops sig */
#define SIM_RUMOR_MAX_BYTES 65536
#define SIM_RUMOR_MAX_VIEW 256
#define SIM_RUMOR_MAX_ADVERTISE 32

/* Requests. */
#define SIM_RUMOR_REQ_BROADCAST 1     /* data: id:u64 */
/* Results. */
#define SIM_RUMOR_RES_LEARNED 1       /* id:u64 | hops:u32 */
#define SIM_RUMOR_RES_SUSPECT 2       /* peer:u32 */

enum { SIM_RUMOR_HONEST = 0, SIM_RUMOR_SILENT, SIM_RUMOR_FLOOD, SIM_RUMOR_LIAR };

typedef struct sim_rumor_cfg {
    uint32_t fanout;          /* >= 1 */
    uint32_t view_size;       /* 1..SIM_RUMOR_MAX_VIEW */
    uint32_t rumor_bytes;     /* SIM_RUMOR_HEADER..SIM_RUMOR_MAX_BYTES */
    uint64_t upkeep_ns;       /* 0: no membership upkeep */
    uint64_t suspect_ns;      /* > 0 when upkeep_ns > 0 */
    uint32_t advertise;       /* 0..SIM_RUMOR_MAX_ADVERTISE */
    uint32_t window;          /* multiple of 64, >= 64 */
    uint32_t flood_factor;    /* >= 1 */
    const sim_crypto *crypto; /* required */
    uint32_t behaviour;       /* this instance: SIM_RUMOR_* */
    const uint8_t *byzantine; /* per node nonzero if byzantine (for "liar"), or NULL */
} sim_rumor_cfg;

typedef struct sim_rumor sim_rumor;

extern const sh_proto_ops sim_rumor_ops;
extern const sim_proto_desc sim_proto_rumor_desc;

/* SH_ERR_ARG for a config outside the ranges above or fewer than 2 peers. */
int sim_rumor_new(const sim_rumor_cfg *cfg, const sh_driver *d, sh_proto *out) SH_WUR;
/* The current view (overlay neighbours). */
size_t sim_rumor_view(const sim_rumor *r, uint32_t *out, size_t cap);

#endif
