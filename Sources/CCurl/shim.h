#ifndef JANUS_CCURL_SHIM_H
#define JANUS_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic and
   cannot be called from Swift; these typed wrappers can. */

static inline CURLcode janus_easy_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode janus_easy_setopt_string(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode janus_easy_setopt_pointer(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode janus_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode janus_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
typedef size_t (*janus_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode janus_easy_setopt_write_callback(CURL *h, CURLoption o, janus_write_callback cb) {
    return curl_easy_setopt(h, o, cb);
}
static inline CURLcode janus_easy_getinfo_long(CURL *h, CURLINFO i, long *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode janus_easy_getinfo_double(CURL *h, CURLINFO i, double *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode janus_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLMcode janus_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return curl_multi_setopt(m, o, v);
}
static inline CURLMcode janus_multi_setopt_pointer(CURLM *m, CURLMoption o, void *v) {
    return curl_multi_setopt(m, o, v);
}
typedef int (*janus_socket_callback)(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
static inline CURLMcode janus_multi_setopt_socket_callback(CURLM *m, janus_socket_callback cb) {
    return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, cb);
}
typedef int (*janus_timer_callback)(CURLM *multi, long timeout_ms, void *userp);
static inline CURLMcode janus_multi_setopt_timer_callback(CURLM *m, janus_timer_callback cb) {
    return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, cb);
}
#endif
