/*
 * The WebSocket load generator of the server benchmark, in C.
 *
 *     wsload PORT CONNECTIONS SECONDS SIZE [WARMUP]
 *
 * Opens CONNECTIONS WebSockets to 127.0.0.1:PORT/ws, then on each sends a
 * SIZE-byte masked binary message and waits for its echo, again and again,
 * with one message in flight per connection. Echoes during the first
 * WARMUP seconds (default 0) are not counted; then it counts for SECONDS
 * and prints "RATE COUNT" (echoes per second, echoes). One thread and one
 * epoll set: the generator costs a small fraction of what a Python server
 * spends per echo, so the server is what runs out first.
 *
 * Every frame the server sends is parsed: a data message counts once its
 * last byte arrives; a Close frame, a short write or a lost connection
 * ends the run with a message on stderr and exit status 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* RFC 6455 section 1.3's example key and the accept value it implies. */
#define KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

struct conn {
    int fd;
    /* The frame being read: header bytes so far, then payload left. */
    unsigned char head[14];
    size_t head_len;
    uint64_t payload_left;
    int in_payload;
    int fin_data; /* the frame being read ends a data message */
};

static void die(const char *what) {
    fprintf(stderr, "wsload: %s: %s\n", what, errno ? strerror(errno) : "error");
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A masked binary frame carrying SIZE bytes of 'x'. */
static unsigned char *client_frame(size_t size, size_t *length) {
    static const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
    size_t header = size < 126 ? 2 : size < 65536 ? 4 : 10;
    unsigned char *frame = malloc(header + 4 + size);
    if (frame == NULL) die("malloc");
    frame[0] = 0x82;
    if (size < 126) {
        frame[1] = (unsigned char)(0x80 | size);
    } else if (size < 65536) {
        frame[1] = 0x80 | 126;
        frame[2] = (unsigned char)(size >> 8);
        frame[3] = (unsigned char)size;
    } else {
        frame[1] = 0x80 | 127;
        for (int i = 0; i < 8; i++) frame[2 + i] = (unsigned char)((uint64_t)size >> (56 - 8 * i));
    }
    memcpy(frame + header, mask, 4);
    for (size_t i = 0; i < size; i++) frame[header + 4 + i] = (unsigned char)('x' ^ mask[i % 4]);
    *length = header + 4 + size;
    return frame;
}

static void send_all(int fd, const unsigned char *data, size_t length) {
    ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
    if (sent < 0) die("send");
    if ((size_t)sent != length) {
        errno = 0;
        die("short write (the benchmark sends one small message at a time)");
    }
}

/* Connect and complete the opening handshake, blocking. */
static int open_websocket(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char request[256];
    int length = snprintf(request, sizeof request,
                          "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                          "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: " KEY "\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n",
                          port);
    send_all(fd, (const unsigned char *)request, (size_t)length);
    /* Read the response head byte by byte: nothing of the WebSocket
     * stream may be taken with it (the server sends nothing before the
     * first echo anyway). */
    char head[2048];
    size_t got = 0;
    while (got < 4 || memcmp(head + got - 4, "\r\n\r\n", 4) != 0) {
        if (got == sizeof head - 1) {
            errno = 0;
            die("response head too long");
        }
        ssize_t n = recv(fd, head + got, 1, 0);
        if (n <= 0) die("handshake: connection closed");
        got += (size_t)n;
    }
    head[got] = '\0';
    if (strncmp(head, "HTTP/1.1 101", 12) != 0 || strstr(head, ACCEPT) == NULL) {
        errno = 0;
        fprintf(stderr, "wsload: bad handshake response:\n%s\n", head);
        exit(1);
    }
    return fd;
}

/* Consume N received bytes; returns the data messages completed. */
static int consume(struct conn *c, const unsigned char *data, size_t n) {
    int done = 0;
    size_t i = 0;
    while (i < n) {
        if (c->in_payload) {
            uint64_t take = n - i < c->payload_left ? n - i : c->payload_left;
            i += take;
            c->payload_left -= take;
        } else {
            c->head[c->head_len++] = data[i++];
            if (c->head_len < 2) continue;
            unsigned char opcode = c->head[0] & 0x0f;
            unsigned char code = c->head[1] & 0x7f;
            size_t need = 2 + (code == 126 ? 2 : code == 127 ? 8 : 0);
            if (c->head[1] & 0x80) {
                errno = 0;
                die("the server masked a frame");
            }
            if (c->head_len < need) continue;
            uint64_t length = code;
            if (code == 126) length = ((uint64_t)c->head[2] << 8) | c->head[3];
            if (code == 127) {
                length = 0;
                for (int k = 0; k < 8; k++) length = (length << 8) | c->head[2 + k];
            }
            if (opcode == 0x8) {
                errno = 0;
                die("the server closed the WebSocket");
            }
            c->fin_data = (c->head[0] & 0x80) && opcode != 0x9 && opcode != 0xa;
            c->payload_left = length;
            c->in_payload = 1;
            c->head_len = 0;
        }
        if (c->in_payload && c->payload_left == 0) {
            c->in_payload = 0;
            if (c->fin_data) done++;
        }
    }
    return done;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: wsload PORT CONNECTIONS SECONDS SIZE [WARMUP]\n");
        return 2;
    }
    int port = atoi(argv[1]);
    int count = atoi(argv[2]);
    double seconds = atof(argv[3]);
    size_t size = (size_t)atol(argv[4]);
    double warmup = argc > 5 ? atof(argv[5]) : 0.0;
    if (port <= 0 || count <= 0 || seconds <= 0 || warmup < 0) {
        fprintf(stderr, "wsload: bad arguments\n");
        return 2;
    }
    size_t frame_length;
    unsigned char *frame = client_frame(size, &frame_length);
    struct conn *conns = calloc((size_t)count, sizeof *conns);
    if (conns == NULL) die("calloc");
    int epoll = epoll_create1(0);
    if (epoll < 0) die("epoll_create1");
    for (int i = 0; i < count; i++) {
        conns[i].fd = open_websocket(port);
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = &conns[i]};
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, conns[i].fd, &event) < 0) die("epoll_ctl");
    }
    for (int i = 0; i < count; i++) send_all(conns[i].fd, frame, frame_length);

    static unsigned char buffer[1 << 16];
    struct epoll_event events[256];
    double start = now();
    double counting_from = start + warmup;
    double end = counting_from + seconds;
    int counting = warmup == 0.0;
    long echoes = 0;
    for (;;) {
        int ready = epoll_wait(epoll, events, 256, 100);
        if (ready < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int e = 0; e < ready; e++) {
            struct conn *c = events[e].data.ptr;
            ssize_t n = recv(c->fd, buffer, sizeof buffer, 0);
            if (n == 0) {
                errno = 0;
                die("the server closed the connection");
            }
            if (n < 0) {
                if (errno == EAGAIN || errno == EINTR) continue;
                die("recv");
            }
            int done = consume(c, buffer, (size_t)n);
            if (done > 0) {
                if (counting) echoes += done;
                send_all(c->fd, frame, frame_length);
            }
        }
        double t = now();
        if (!counting && t >= counting_from) {
            counting = 1;
            echoes = 0;
            counting_from = t;
            end = t + seconds;
        }
        if (t >= end) break;
    }
    double elapsed = now() - counting_from;
    printf("%.1f %ld\n", (double)echoes / elapsed, echoes);
    fflush(stdout);
    /* Reset rather than close: the server is not kept waiting for a
     * closing handshake nobody measures. */
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    for (int i = 0; i < count; i++) {
        setsockopt(conns[i].fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        close(conns[i].fd);
    }
    free(conns);
    free(frame);
    return 0;
}
