#ifndef SHEBAO_CCURL_SHIM_H
#define SHEBAO_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt(3) and curl_easy_getinfo(3) are variadic, which Swift cannot call: one
// wrapper per argument type, so that Swift passes each option the C type libcurl reads for it
// (CURLOPTTYPE_LONG, _STRINGPOINT, _OBJECTPOINT, _OFF_T, _SLISTPOINT, _FUNCTIONPOINT). Passing
// an option a wrong type is still possible, as in C; the Outbound module names each option
// once, next to the wrapper it goes through. Used by the Outbound module only.

static inline CURLcode shebao_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shebao_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shebao_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shebao_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shebao_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

// CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share this signature.
static inline CURLcode shebao_curl_easy_setopt_write_callback(
    CURL *handle, CURLoption option, curl_write_callback callback
) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode shebao_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

// CURL_GLOBAL_DEFAULT is a macro of macros, which Swift does not import.
static inline CURLcode shebao_curl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

#endif
