// Non-variadic wrappers around `curl_easy_setopt` and `curl_easy_getinfo`; see include/CCurl.h.

#include "CCurl.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

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

static int nb_is_refused_ipv4(uint32_t host_order) {
    return (host_order & 0xFFFF0000u) == 0xA9FE0000u  // 169.254.0.0/16
        || host_order == 0x646464C8u;                  // 100.100.100.200
}

int nb_curl_is_refused_address(const struct sockaddr *address, unsigned int length) {
    if (address == NULL) {
        return 0;
    }
    if (address->sa_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        return nb_is_refused_ipv4(ntohl(v4->sin_addr.s_addr));
    }
    if (address->sa_family == AF_INET6 && length >= sizeof(struct sockaddr_in6)) {
        const unsigned char *bytes = ((const struct sockaddr_in6 *)address)->sin6_addr.s6_addr;
        if (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80) {
            return 1;  // fe80::/10
        }
        static const unsigned char metadata[16] = {0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
        if (memcmp(bytes, metadata, 16) == 0) {
            return 1;  // fd00:ec2::254
        }
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
        if (memcmp(bytes, mapped, 12) == 0) {
            uint32_t host_order = ((uint32_t)bytes[12] << 24) | ((uint32_t)bytes[13] << 16)
                | ((uint32_t)bytes[14] << 8) | (uint32_t)bytes[15];
            return nb_is_refused_ipv4(host_order);
        }
    }
    return 0;
}

static curl_socket_t nb_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
    (void)clientp;
    if (purpose == CURLSOCKTYPE_IPCXN && nb_curl_is_refused_address(&address->addr, address->addrlen)) {
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

CURLcode nb_curl_refuse_link_local(CURL *handle) {
    CURLcode result = curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, nb_open_socket);
    if (result != CURLE_OK) {
        return result;
    }
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, (void *)NULL);
}
