// CCurl: libcurl for Swift.
//
// Swift cannot call C variadic functions, and `curl_easy_setopt` and `curl_easy_getinfo` are variadic. The
// functions declared here are small, typed, non-variadic wrappers around them; everything else in libcurl (easy
// handles, string lists, the URL API) is called directly through this module, which re-exports <curl/curl.h>.
//
// Each wrapper returns libcurl's own result code and does nothing else.

#ifndef NOTEBRIDGE_CCURL_H
#define NOTEBRIDGE_CCURL_H

#include <curl/curl.h>

#ifdef __cplusplus
extern "C" {
#endif

/// `curl_easy_setopt` for an option that takes a `long` (flags, numbers, milliseconds).
CURLcode nb_curl_setopt_long(CURL *handle, CURLoption option, long value);

/// `curl_easy_setopt` for an option that takes a `curl_off_t` (the `_LARGE` sizes).
CURLcode nb_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

/// `curl_easy_setopt` for an option that takes a C string. libcurl copies the string (all string options except
/// `CURLOPT_POSTFIELDS`), so it need only live for the call. `NULL` restores the option's default.
CURLcode nb_curl_setopt_string(CURL *handle, CURLoption option, const char *value);

/// `curl_easy_setopt` for an option that takes a pointer that libcurl keeps and does not copy (for example
/// `CURLOPT_POSTFIELDS` or `CURLOPT_ERRORBUFFER`); the memory must outlive the transfer.
CURLcode nb_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value);

/// `curl_easy_setopt` for an option that takes a `struct curl_slist *` (for example `CURLOPT_HTTPHEADER`); the
/// list must outlive the transfer.
CURLcode nb_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list);

/// Sets `CURLOPT_WRITEFUNCTION` and `CURLOPT_WRITEDATA`: `callback` receives the response body, with `userdata`.
CURLcode nb_curl_setopt_write_function(CURL *handle, curl_write_callback callback, void *userdata);

/// Sets `CURLOPT_HEADERFUNCTION` and `CURLOPT_HEADERDATA`: `callback` receives each response header line (status
/// line included), with `userdata`.
CURLcode nb_curl_setopt_header_function(CURL *handle, curl_write_callback callback, void *userdata);

/// Sets `CURLOPT_XFERINFOFUNCTION` and `CURLOPT_XFERINFODATA` and turns progress reporting on
/// (`CURLOPT_NOPROGRESS` 0): `callback` is called at least once a second and aborts the transfer by returning
/// non-zero.
CURLcode nb_curl_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback, void *userdata);

/// `curl_easy_getinfo` for information returned as a `long` (for example `CURLINFO_RESPONSE_CODE`).
CURLcode nb_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

/// Whether a connection to `address` is refused by `nb_curl_refuse_link_local`: IPv4 `169.254.0.0/16` and
/// `100.100.100.200`, IPv6 `fe80::/10` and `fd00:ec2::254`, and those IPv4 addresses mapped into IPv6. Returns 1 or 0.
int nb_curl_is_refused_address(const struct sockaddr *address, unsigned int length);

/// Sets `CURLOPT_OPENSOCKETFUNCTION` so that libcurl never opens a connection to a link-local or cloud metadata
/// address (`nb_curl_is_refused_address`), whatever name resolved to it: the transfer fails with
/// `CURLE_COULDNT_CONNECT` instead.
CURLcode nb_curl_refuse_link_local(CURL *handle);

#ifdef __cplusplus
}
#endif

#endif
