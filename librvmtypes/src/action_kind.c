#include <stddef.h>

#include <rvm/action_kind.h>

#define KIND_NAME(code, name, str) [(code)] = (str),

/* 256 entries so that any byte indexes it directly; NULL marks an undefined code. */
static const char *const kind_names[256] = { RVM_ACTION_KIND_LIST(KIND_NAME) };

bool rvm_action_kind_valid(uint8_t code)
{
    return kind_names[code] != NULL;
}

const char *rvm_action_kind_name(uint8_t code)
{
    return kind_names[code];
}

static bool str_eq(const char *a, const char *b)
{
    size_t i = 0;
    for (; a[i] != '\0' && a[i] == b[i]; i++) {
    }
    return a[i] == b[i];
}

bool rvm_action_kind_from_name(const char *name, uint8_t *out)
{
    if (name == NULL || out == NULL) {
        return false;
    }
    for (unsigned code = 0; code < 256u; code++) {
        if (kind_names[code] != NULL && str_eq(kind_names[code], name)) {
            *out = (uint8_t)code;
            return true;
        }
    }
    return false;
}
