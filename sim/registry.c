/* sim/registry.c -- the table of protocols a scenario can name.
 *
 * To plug in a protocol, declare its descriptor and add one line to
 * `table` (keep it sorted by name; the order is that of --protocols). */
#include "sim/registry.h"

#include <stdio.h>
#include <string.h>

#include "util/json.h"

#include "sim/proto_gossip.h"
#include "sim/proto_rumor.h"

static const sim_proto_desc *const table[] = {
    &sim_proto_gossip_desc,
    &sim_proto_rumor_desc,
};

const sim_proto_desc *sim_registry_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    return NULL;
}

const sim_proto_desc *sim_registry_at(size_t i)
{
    return i < sizeof table / sizeof table[0] ? table[i] : NULL;
}

void sim_param_error(char *err, size_t errlen, const char *prefix, const char *msg)
{
    if (err == NULL || errlen == 0)
        return;
    const char *rest = msg, *name = "";
    size_t name_len = 0;
    if (strncmp(msg, "member '", 8) == 0) {
        const char *q = strstr(msg + 8, "': ");
        if (q != NULL) {
            name = msg + 8;
            name_len = (size_t)(q - name);
            rest = q + 3;
        }
    }
    if (prefix == NULL || *prefix == '\0')
        snprintf(err, errlen, "%.*s: %s", (int)name_len, name, rest);
    else if (name_len > 0)
        snprintf(err, errlen, "%s.%.*s: %s", prefix, (int)name_len, name, rest);
    else
        snprintf(err, errlen, "%s: %s", prefix, rest);
}

int sim_param_uint(const json_t *obj, const char *prefix, const char *name,
                   uint64_t min, uint64_t max, uint64_t *v, char *err, size_t errlen)
{
    if (!sh_json_has(obj, name))
        return 0;
    char tmp[256];
    int rc = sh_json_get_uint(obj, name, min, max, v, tmp, sizeof tmp);
    if (rc != 0)
        sim_param_error(err, errlen, prefix, tmp);
    return rc;
}

int sim_param_number(const json_t *obj, const char *prefix, const char *name,
                     double min, double max, double *v, char *err, size_t errlen)
{
    if (!sh_json_has(obj, name))
        return 0;
    char tmp[256];
    int rc = sh_json_get_number(obj, name, min, max, v, tmp, sizeof tmp);
    if (rc != 0)
        sim_param_error(err, errlen, prefix, tmp);
    return rc;
}

int sim_param_ms(const json_t *obj, const char *prefix, const char *name,
                 double max_ms, uint64_t *ns, char *err, size_t errlen)
{
    double v = 0;
    if (!sh_json_has(obj, name))
        return 0;
    int rc = sim_param_number(obj, prefix, name, 0, max_ms, &v, err, errlen);
    if (rc == 0)
        *ns = (uint64_t)(v * 1e6 + 0.5);
    return rc;
}
