/* tests/test_util_json.c -- loading, typed getters, reproducible atomic writes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/json.h"

static char tmpdir[64];

static void make_dir(void)
{
    strcpy(tmpdir, "/tmp/shroud-json-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_dir(void)
{
    DIR *d = opendir(tmpdir);
    if (d == NULL)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(tmpdir);
}

TestSuite(json, .init = make_dir, .fini = remove_dir);

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static json_t *parse(const char *text)
{
    json_t *root = NULL;
    char err[256];
    int rc = sh_json_load_string(text, strlen(text), "t", &root, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
    return root;
}

Test(json, load_errors_name_file_line_column)
{
    char path[128], err[256];
    json_t *root = (json_t *)1;
    snprintf(path, sizeof path, "%s/bad.json", tmpdir);
    write_text(path, "{\n  \"a\": 1,\n  \"b\": ]\n}\n");
    cr_assert_eq(sh_json_load_file(path, &root, err, sizeof err), SH_ERR_FORMAT);
    cr_assert_null(root);
    char want[200];
    snprintf(want, sizeof want, "%s:3:8: ", path);
    cr_assert_eq(strncmp(err, want, strlen(want)), 0, "got '%s'", err);

    /* A missing file is an I/O error naming the path. */
    snprintf(path, sizeof path, "%s/missing.json", tmpdir);
    cr_assert_eq(sh_json_load_file(path, &root, err, sizeof err), SH_ERR_IO);
    cr_assert_not_null(strstr(err, path));

    /* Strings: the caller's name stands for the file. */
    cr_assert_eq(sh_json_load_string("[1, 2,]", 7, "--scenario", &root, err, sizeof err),
                 SH_ERR_FORMAT);
    cr_assert_eq(strncmp(err, "--scenario:1:7: ", 16), 0, "got '%s'", err);
    /* Without an error buffer the code is still returned. */
    cr_assert_eq(sh_json_load_string("{", 1, NULL, &root, NULL, 0), SH_ERR_FORMAT);
}

Test(json, strict_parsing)
{
    static const char *bad[] = {
        "",                          /* empty */
        "{} x",                      /* trailing garbage */
        "{}{}",                      /* two values */
        "{\"a\":1,\"a\":2}",         /* duplicate key */
        "{\"a\":\"x\\u0000y\"}",     /* NUL in a string */
        "{'a':1}",                   /* not JSON quotes */
        "{\"a\":01}",                /* leading zero */
        "{\"a\":NaN}",
        "{\"a\":1,}",
        "\"just a string\"",         /* root must be object or array */
        "[1e999]",                   /* real overflow */
        "[99999999999999999999]",    /* integer overflow */
    };
    char err[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *root = NULL;
        int rc = sh_json_load_string(bad[i], strlen(bad[i]), "t", &root, err, sizeof err);
        cr_assert_eq(rc, SH_ERR_FORMAT, "accepted %s", bad[i]);
        cr_assert_null(root);
        cr_assert_eq(strncmp(err, "t:", 2), 0);
    }
}

static const char doc[] =
    "{\"name\": \"relay-1\", \"port\": 9735, \"neg\": -5, \"ratio\": 0.25,"
    " \"whole\": 2, \"on\": true, \"off\": false, \"nothing\": null,"
    " \"key\": \"00112233445566778899AABBCCDDEEFF\","
    " \"net\": {\"latency\": {\"mean_ms\": 40, \"dist\": \"exp\"}, \"peers\": [1, 2, 3]}}";

Test(json, typed_getters)
{
    json_t *root = parse(doc);
    char err[256];
    const char *s;
    int64_t i;
    uint64_t u;
    double d;
    bool b;
    json_t *o, *a;
    cr_assert_eq(sh_json_get_string(root, "name", &s, err, sizeof err), 0);
    cr_assert_str_eq(s, "relay-1");
    cr_assert_eq(sh_json_get_int(root, "port", 1, 65535, &i, err, sizeof err), 0);
    cr_assert_eq(i, 9735);
    cr_assert_eq(sh_json_get_int(root, "neg", -10, 0, &i, err, sizeof err), 0);
    cr_assert_eq(i, -5);
    cr_assert_eq(sh_json_get_uint(root, "port", 0, UINT64_MAX, &u, err, sizeof err), 0);
    cr_assert_eq(u, 9735);
    cr_assert_eq(sh_json_get_number(root, "ratio", 0, 1, &d, err, sizeof err), 0);
    cr_assert_eq(d, 0.25);
    cr_assert_eq(sh_json_get_number(root, "whole", 0, 10, &d, err, sizeof err), 0);
    cr_assert_eq(d, 2.0);
    cr_assert_eq(sh_json_get_bool(root, "on", &b, err, sizeof err), 0);
    cr_assert(b);
    cr_assert_eq(sh_json_get_bool(root, "off", &b, err, sizeof err), 0);
    cr_assert(!b);
    cr_assert_eq(sh_json_get_object(root, "net.latency", &o, err, sizeof err), 0);
    cr_assert_eq(sh_json_get_int(o, "mean_ms", 0, 1000, &i, err, sizeof err), 0);
    cr_assert_eq(i, 40);
    cr_assert_eq(sh_json_get_int(root, "net.latency.mean_ms", 0, 1000, &i, err, sizeof err), 0);
    cr_assert_eq(i, 40);
    cr_assert_eq(sh_json_get_array(root, "net.peers", 3, 3, &a, err, sizeof err), 0);
    cr_assert_eq(json_array_size(a), 3);
    uint8_t key[16];
    cr_assert_eq(sh_json_get_hex(root, "key", key, sizeof key, err, sizeof err), 0);
    cr_assert_eq(key[0], 0x00);
    cr_assert_eq(key[15], 0xff);
    cr_assert(sh_json_has(root, "nothing"));
    cr_assert(sh_json_has(root, "net.latency.dist"));
    cr_assert(!sh_json_has(root, "net.latency.median"));
    cr_assert(!sh_json_has(root, "name.first"));
    json_decref(root);
}

/* err must contain every one of the fragments. */
static void expect_err(int rc, int want, const char *err, const char *frag1,
                       const char *frag2)
{
    cr_assert_eq(rc, want, "rc %d, want %d (%s)", rc, want, err);
    cr_assert_not_null(strstr(err, frag1), "'%s' lacks '%s'", err, frag1);
    if (frag2 != NULL)
        cr_assert_not_null(strstr(err, frag2), "'%s' lacks '%s'", err, frag2);
}

Test(json, getter_errors_name_the_path)
{
    json_t *root = parse(doc);
    char err[256];
    const char *s;
    int64_t i = 77;
    uint64_t u;
    double d;
    bool b;
    json_t *o;
    expect_err(sh_json_get_string(root, "port", &s, err, sizeof err), SH_ERR_TYPE,
               err, "'port'", "an integer");
    expect_err(sh_json_get_int(root, "name", 0, 10, &i, err, sizeof err), SH_ERR_TYPE,
               err, "'name'", "a string");
    cr_assert_eq(i, 77, "output untouched on error");
    expect_err(sh_json_get_int(root, "ratio", 0, 10, &i, err, sizeof err), SH_ERR_TYPE,
               err, "'ratio'", "real");
    expect_err(sh_json_get_int(root, "port", 1, 1024, &i, err, sizeof err), SH_ERR_RANGE,
               err, "'port'", "9735");
    expect_err(sh_json_get_uint(root, "neg", 0, 10, &u, err, sizeof err), SH_ERR_RANGE,
               err, "'neg'", "-5");
    expect_err(sh_json_get_number(root, "ratio", 0.5, 1, &d, err, sizeof err), SH_ERR_RANGE,
               err, "'ratio'", NULL);
    expect_err(sh_json_get_number(root, "on", 0, 1, &d, err, sizeof err), SH_ERR_TYPE,
               err, "'on'", "boolean");
    expect_err(sh_json_get_bool(root, "nothing", &b, err, sizeof err), SH_ERR_TYPE,
               err, "'nothing'", "null");
    expect_err(sh_json_get_object(root, "net.peers", &o, err, sizeof err), SH_ERR_TYPE,
               err, "'net.peers'", "an array");
    expect_err(sh_json_get_array(root, "net", 0, 9, &o, err, sizeof err), SH_ERR_TYPE,
               err, "'net'", "an object");
    expect_err(sh_json_get_array(root, "net.peers", 4, 9, &o, err, sizeof err), SH_ERR_LENGTH,
               err, "'net.peers'", "3 elements");
    expect_err(sh_json_get_array(root, "net.peers", 0, 2, &o, err, sizeof err), SH_ERR_LENGTH,
               err, "'net.peers'", NULL);
    /* missing members, at the top and deep down */
    expect_err(sh_json_get_int(root, "missing", 0, 1, &i, err, sizeof err), SH_ERR_FORMAT,
               err, "missing member 'missing'", NULL);
    expect_err(sh_json_get_int(root, "net.latency.p99", 0, 1, &i, err, sizeof err),
               SH_ERR_FORMAT, err, "missing member 'net.latency.p99'", NULL);
    expect_err(sh_json_get_int(root, "net.nope.x", 0, 1, &i, err, sizeof err),
               SH_ERR_FORMAT, err, "missing member 'net.nope'", NULL);
    /* walking through something that is not an object */
    expect_err(sh_json_get_int(root, "name.first", 0, 1, &i, err, sizeof err), SH_ERR_TYPE,
               err, "'name'", "a string");
    expect_err(sh_json_get_int(root, "net.peers.0", 0, 1, &i, err, sizeof err), SH_ERR_TYPE,
               err, "'net.peers'", "an array");
    json_t *arr = json_array();
    expect_err(sh_json_get_int(arr, "x", 0, 1, &i, err, sizeof err), SH_ERR_TYPE,
               err, "'x'", "an array");
    json_decref(arr);
    /* bad arguments */
    cr_assert_eq(sh_json_get_int(root, "port", 5, 1, &i, err, sizeof err), SH_ERR_ARG);
    cr_assert_eq(sh_json_get_int(root, "", 0, 1, &i, err, sizeof err), SH_ERR_ARG);
    cr_assert_eq(sh_json_get_int(NULL, "port", 0, 1, &i, NULL, 0), SH_ERR_ARG);
    json_decref(root);
}

Test(json, hex_member_errors_do_not_leak_the_value)
{
    json_t *root = parse("{\"short\": \"00112233\", \"bad\": \"zz112233\","
                         " \"odd\": \"0011223\", \"num\": 5}");
    char err[256];
    uint8_t out[4];
    memset(out, 0xaa, sizeof out);
    expect_err(sh_json_get_hex(root, "short", out, 8, err, sizeof err),
               SH_ERR_LENGTH, err, "'short'", "16 hex digits, found 8");
    cr_assert_null(strstr(err, "00112233"));
    expect_err(sh_json_get_hex(root, "bad", out, 4, err, sizeof err), SH_ERR_FORMAT,
               err, "'bad'", NULL);
    cr_assert_null(strstr(err, "zz"));
    cr_assert_eq(out[0], 0, "output wiped on error");
    expect_err(sh_json_get_hex(root, "odd", out, 4, err, sizeof err), SH_ERR_FORMAT,
               err, "'odd'", NULL);
    expect_err(sh_json_get_hex(root, "num", out, 4, err, sizeof err), SH_ERR_TYPE,
               err, "'num'", NULL);
    json_decref(root);
}

static void read_file(const char *path, char *out, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    *len = fread(out, 1, cap, f);
    fclose(f);
}

Test(json, atomic_write_reload_and_byte_identical_output)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/out.json", tmpdir);
    /* Same value, keys inserted in different orders. */
    json_t *a = json_pack("{s:i, s:s, s:[f, b, n], s:{s:i, s:i}}",
                          "zeta", 1, "alpha", "x\xc3\xa9", "mid", 0.1, 1,
                          "obj", "b", 2, "a", 1);
    json_t *b = json_pack("{s:{s:i, s:i}, s:[f, b, n], s:s, s:i}",
                          "obj", "a", 1, "b", 2, "mid", 0.1, 1,
                          "alpha", "x\xc3\xa9", "zeta", 1);
    cr_assert_not_null(a);
    cr_assert_not_null(b);
    cr_assert_eq(sh_json_write_file(path, a, 0644, err, sizeof err), 0, "%s", err);
    static char t1[4096], t2[4096];
    size_t n1, n2;
    read_file(path, t1, sizeof t1, &n1);
    /* overwrite with the other insertion order */
    cr_assert_eq(sh_json_write_file(path, b, 0644, err, sizeof err), 0, "%s", err);
    read_file(path, t2, sizeof t2, &n2);
    cr_assert_eq(n1, n2);
    cr_assert_arr_eq(t1, t2, n1);
    static const char want[] =
        "{\n"
        "  \"alpha\": \"x\xc3\xa9\",\n"
        "  \"mid\": [\n"
        "    0.10000000000000001,\n"
        "    true,\n"
        "    null\n"
        "  ],\n"
        "  \"obj\": {\n"
        "    \"a\": 1,\n"
        "    \"b\": 2\n"
        "  },\n"
        "  \"zeta\": 1\n"
        "}\n";
    cr_assert_eq(n1, strlen(want), "got:\n%.*s", (int)n1, t1);
    cr_assert_arr_eq(t1, want, n1);
    /* the dump agrees with the file */
    sh_buf buf;
    sh_buf_init(&buf);
    cr_assert_eq(sh_json_dump(a, &buf), 0);
    cr_assert_eq(buf.len, n1);
    cr_assert_arr_eq(buf.data, t1, n1);
    sh_buf_free(&buf);
    /* reload equals */
    json_t *back = NULL;
    cr_assert_eq(sh_json_load_file(path, &back, err, sizeof err), 0, "%s", err);
    cr_assert(json_equal(back, a));
    /* mode applied, no temporary left behind */
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0644);
    cr_assert_eq(sh_json_write_file(path, a, 0600, err, sizeof err), 0);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0600);
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') {
            files++;
            cr_assert_str_eq(e->d_name, "out.json");
        }
    closedir(d);
    cr_assert_eq(files, 1);
    json_decref(a);
    json_decref(b);
    json_decref(back);
}

Test(json, write_failures)
{
    char path[128], err[256];
    json_t *a = json_pack("{s:i}", "x", 1);
    snprintf(path, sizeof path, "%s/no/such/dir/out.json", tmpdir);
    cr_assert_eq(sh_json_write_file(path, a, 0644, err, sizeof err), SH_ERR_IO);
    cr_assert_not_null(strstr(err, path));
    /* renaming onto a directory fails, and the temporary is removed */
    snprintf(path, sizeof path, "%s/adir", tmpdir);
    cr_assert_eq(mkdir(path, 0700), 0);
    cr_assert_eq(sh_json_write_file(path, a, 0644, err, sizeof err), SH_ERR_IO);
    cr_assert_not_null(strstr(err, "rename"), "%s", err);
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        cr_assert_null(strstr(e->d_name, ".tmp."), "left %s behind", e->d_name);
    closedir(d);
    rmdir(path);
    cr_assert_eq(sh_json_write_file(path, a, 010000, err, sizeof err), SH_ERR_ARG);
    cr_assert_eq(sh_json_write_file(path, NULL, 0644, err, sizeof err), SH_ERR_ARG);
    json_decref(a);
}
