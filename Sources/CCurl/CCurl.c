// Non-variadic wrappers around `curl_easy_setopt` and `curl_easy_getinfo`; see include/CCurl.h.

#include "CCurl.h"

CURLcode nb_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nb_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nb_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nb_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nb_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(handle, option, list);
}

CURLcode nb_curl_setopt_write_function(CURL *handle, curl_write_callback callback, void *userdata) {
    CURLcode result = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
    if (result != CURLE_OK) {
        return result;
    }
    return curl_easy_setopt(handle, CURLOPT_WRITEDATA, userdata);
}

CURLcode nb_curl_setopt_header_function(CURL *handle, curl_write_callback callback, void *userdata) {
    CURLcode result = curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
    if (result != CURLE_OK) {
        return result;
    }
    return curl_easy_setopt(handle, CURLOPT_HEADERDATA, userdata);
}

CURLcode nb_curl_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback, void *userdata) {
    CURLcode result = curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
    if (result != CURLE_OK) {
        return result;
    }
    result = curl_easy_setopt(handle, CURLOPT_XFERINFODATA, userdata);
    if (result != CURLE_OK) {
        return result;
    }
    return curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
}

CURLcode nb_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
