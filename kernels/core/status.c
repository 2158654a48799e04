#include <pel/status.h>

const char *pel_strerror(pel_status status)
{
    switch (status) {
#define PEL_STATUS_TEXT_(name, code, text) case name: return text;
        PEL_STATUS_LIST(PEL_STATUS_TEXT_)
#undef PEL_STATUS_TEXT_
    }
    return "unknown status";
}

const char *pel_status_name(pel_status status)
{
    switch (status) {
#define PEL_STATUS_NAME_(name, code, text) case name: return #name;
        PEL_STATUS_LIST(PEL_STATUS_NAME_)
#undef PEL_STATUS_NAME_
    }
    return "PEL_UNKNOWN";
}
