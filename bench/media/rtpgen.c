/*
 * rtpgen: the traffic part of the media benchmark (issue 8) in C, so that the load generator takes
 * a small share of a 2-core machine and the relay gets the rest. RtpLoad (Java) still does the ng
 * offer/answer/delete and the RESULT line; this program owns the generator's sockets and the RTP.
 *
 *   rtpgen K [GRAN_US [CHUNK]]      K sockets per side (A and B) on 127.0.0.1, ephemeral ports
 *
 * Protocol on stdin/stdout (one line each, text):
 *   out: PORTS a_0 .. a_K-1 b_0 .. b_K-1     the sockets are bound; call i uses a_(i%K) and b_(i%K)
 *   in:  RUN CALLS SECS                       then CALLS lines "HOST_A PORT_A HOST_B PORT_B": where
 *                                             call i's A side sends to, and where its B side sends to
 *   out: GO                                   traffic starts now
 *   out: DONE key=value ...                   sent, received, latency, late ticks, own CPU
 *   in:  EOF                                  the caller has read the sockets' drop counters: exit
 *
 * One thread, no busy wait: it sleeps (clock_nanosleep, absolute) until the next packet is due but
 * at least GRAN_US (1000) after its last wake, sends every packet due by then with sendmmsg (CHUNK,
 * 16, per call), then empties every socket with recvmmsg (non-blocking, 64 per call). Each call's
 * packet goes every 20 ms; the calls are spread over the 20 ms (call i at i/CALLS of it, side B half
 * a slot after side A), so the relay sees a steady stream, not a burst per tick.
 *
 * A packet is 172 bytes (12-byte RTP header, 160 bytes of payload); bytes 12..19 carry the send time
 * (CLOCK_MONOTONIC, ns, big-endian), written just before the sendmmsg that sends it. The arrival
 * time is the kernel's receive timestamp (SO_TIMESTAMPNS, CLOCK_REALTIME, taken when the packet
 * enters loopback's receive path, i.e. right after the relay's send), mapped to CLOCK_MONOTONIC by
 * an offset sampled at every wake; so latency is generator send -> relay send, and the generator's
 * own wake-up delay is not part of it.
 *
 * A late tick: a side's last packet of a 20 ms tick left more than 20 ms after it was due (counted
 * per side; RtpLoad's meaning: the generator fell a whole tick behind); tx_late_max_us the worst of
 * those overruns; tx_lag_max_us how long after its due time any packet left (GRAN_US by design). Needs Linux and gcc: cc -O2 -o rtpgen rtpgen.c (bench/media/run.sh does).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SIZE 172
#define PTIME_NS 20000000LL
#define RX_BATCH 64
#define MAX_CHUNK 256
#define BUCKETS 200000 /* 1 us each, up to 200 ms */
#define DRAIN_NS 2000000000LL

static int64_t now_ns(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "rtpgen: %s: %s\n", what, strerror(errno));
  exit(1);
}

struct side {
  int dir;          /* 0: A sends (to B through the relay), 1: B sends */
  int *fd;          /* K sockets */
  struct sockaddr_in *to; /* per call */
  unsigned char *pkt;     /* per call, SIZE bytes each */
  long tick, idx;         /* the next packet to send */
  long sent, late_ticks;
  int64_t late_max;
  /* pending sendmmsg per socket */
  struct mmsghdr (*mm)[MAX_CHUNK];
  struct iovec (*iov)[MAX_CHUNK];
  int *n;
  int64_t pending_last_due; /* due time of a tick's last packet in the pending batch, or -1 */
  int64_t lag_max;          /* the most any packet left after its due time */
};

static int k, calls, chunk = 16;
static long ticks;
static int64_t t0, off; /* off: CLOCK_REALTIME - CLOCK_MONOTONIC */
static long received, eagain;
static int64_t lat_max;
static long hist[BUCKETS + 1];

static int64_t due(const struct side *s) {
  return t0 + s->tick * PTIME_NS + (s->idx * PTIME_NS) / calls + s->dir * (PTIME_NS / (2 * calls));
}

static void flush_one(struct side *s, int j) {
  int64_t ts = htobe64((uint64_t)now_ns(CLOCK_MONOTONIC));
  for (int m = 0; m < s->n[j]; m++) {
    memcpy((unsigned char *)s->iov[j][m].iov_base + 12, &ts, 8);
  }
  int done = 0;
  while (done < s->n[j]) {
    int r = sendmmsg(s->fd[j], s->mm[j] + done, s->n[j] - done, 0);
    if (r < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
        eagain++; /* the socket's send buffer is full: yield briefly and retry */
        struct timespec w = {0, 50000};
        nanosleep(&w, NULL);
        continue;
      }
      if (errno == ECONNREFUSED || errno == EINTR) {
        continue; /* an ICMP error from an earlier packet: the datagram was not sent, retry */
      }
      die("sendmmsg");
    }
    done += r;
  }
  s->sent += s->n[j];
  s->n[j] = 0;
}

static void flush(struct side *s) {
  for (int j = 0; j < k; j++) {
    if (s->n[j] > 0) {
      flush_one(s, j);
    }
  }
  if (s->pending_last_due >= 0) {
    /* as in RtpLoad: late when the tick's last packet left a whole ptime after it was due */
    int64_t over = now_ns(CLOCK_MONOTONIC) - (s->pending_last_due + PTIME_NS);
    if (over > 0) {
      s->late_ticks++;
      if (over > s->late_max) s->late_max = over;
    }
    s->pending_last_due = -1;
  }
}

/* Queues (and sends in chunks) every packet of this side due by `until`. */
static void send_due(struct side *s, int64_t until) {
  if (s->tick < ticks && until - due(s) > s->lag_max) s->lag_max = until - due(s);
  int64_t d;
  while (s->tick < ticks && (d = due(s)) <= until) {
    long i = s->idx;
    int j = (int)(i % k);
    unsigned char *p = s->pkt + (size_t)i * SIZE;
    uint16_t seq = htons((uint16_t)s->tick);
    uint32_t rtpts = htonl((uint32_t)(s->tick * 160));
    memcpy(p + 2, &seq, 2);
    memcpy(p + 4, &rtpts, 4);
    struct mmsghdr *h = &s->mm[j][s->n[j]];
    struct iovec *v = &s->iov[j][s->n[j]];
    v->iov_base = p;
    v->iov_len = SIZE;
    memset(h, 0, sizeof *h);
    h->msg_hdr.msg_name = &s->to[i];
    h->msg_hdr.msg_namelen = sizeof s->to[i];
    h->msg_hdr.msg_iov = v;
    h->msg_hdr.msg_iovlen = 1;
    s->n[j]++;
    if (++s->idx == calls) {
      s->idx = 0;
      s->pending_last_due = d;
      s->tick++;
      flush(s); /* each tick's last packet is checked when it leaves, even when catching up */
    }
    if (s->n[j] == chunk) {
      flush_one(s, j);
    }
  }
  flush(s);
}

static struct mmsghdr rmm[RX_BATCH];
static struct iovec riov[RX_BATCH];
static unsigned char rbuf[RX_BATCH][2048];
static unsigned char rctl[RX_BATCH][CMSG_SPACE(sizeof(struct timespec))];

static void drain(int fd) {
  for (;;) {
    for (int m = 0; m < RX_BATCH; m++) {
      riov[m].iov_base = rbuf[m];
      riov[m].iov_len = sizeof rbuf[m];
      memset(&rmm[m].msg_hdr, 0, sizeof rmm[m].msg_hdr);
      rmm[m].msg_hdr.msg_iov = &riov[m];
      rmm[m].msg_hdr.msg_iovlen = 1;
      rmm[m].msg_hdr.msg_control = rctl[m];
      rmm[m].msg_hdr.msg_controllen = sizeof rctl[m];
    }
    int r = recvmmsg(fd, rmm, RX_BATCH, MSG_DONTWAIT, NULL);
    if (r < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      if (errno == ECONNREFUSED) continue; /* ICMP port unreachable queued on this socket */
      die("recvmmsg");
    }
    int64_t user_now = now_ns(CLOCK_MONOTONIC);
    for (int m = 0; m < r; m++) {
      if (rmm[m].msg_len < 20) continue;
      uint64_t be;
      memcpy(&be, rbuf[m] + 12, 8);
      int64_t sent = (int64_t)be64toh(be), arrived = user_now;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&rmm[m].msg_hdr); c; c = CMSG_NXTHDR(&rmm[m].msg_hdr, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          struct timespec t;
          memcpy(&t, CMSG_DATA(c), sizeof t);
          arrived = (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec - off;
        }
      }
      int64_t us = (arrived - sent) / 1000;
      if (us > lat_max) lat_max = us;
      hist[us < 0 ? 0 : us > BUCKETS ? BUCKETS : us]++;
      received++;
    }
    if (r < RX_BATCH) return;
  }
}

static long pct(double q) {
  long want = (long)((double)received * q + 0.999999), seen = 0;
  for (int i = 0; i <= BUCKETS && want > 0; i++) {
    seen += hist[i];
    if (seen >= want) return i;
  }
  return -1;
}

static int open_socket(void) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) die("socket");
  int buf = 4 << 20, one = 1;
  /* FORCE passes net.core.rmem_max where we may (root); else the plain option, capped by it */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf) < 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) < 0) die("SO_TIMESTAMPNS");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  return fd;
}

static int port_of(int fd) {
  struct sockaddr_in a;
  socklen_t l = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &l) < 0) die("getsockname");
  return ntohs(a.sin_port);
}

static void init_side(struct side *s, int dir, int *fds) {
  memset(s, 0, sizeof *s);
  s->dir = dir;
  s->fd = fds;
  s->to = calloc((size_t)calls, sizeof *s->to);
  s->pkt = calloc((size_t)calls, SIZE);
  s->mm = calloc((size_t)k, sizeof *s->mm);
  s->iov = calloc((size_t)k, sizeof *s->iov);
  s->n = calloc((size_t)k, sizeof *s->n);
  if (!s->to || !s->pkt || !s->mm || !s->iov || !s->n) die("calloc");
  s->pending_last_due = -1;
  for (long i = 0; i < calls; i++) {
    unsigned char *p = s->pkt + (size_t)i * SIZE;
    uint32_t ssrc = htonl((uint32_t)(i << 1 | dir));
    p[0] = 0x80; /* RTP v2, PT 0 (PCMU) */
    p[1] = 0;
    memcpy(p + 8, &ssrc, 4);
    memset(p + 20, 0xff, SIZE - 20); /* mu-law silence */
  }
}

static int64_t cpu_us(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (int64_t)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: rtpgen K [GRAN_US [CHUNK]]\n");
    return 2;
  }
  k = atoi(argv[1]);
  int64_t gran = (argc > 2 ? atoll(argv[2]) : 1000) * 1000LL;
  if (argc > 3) chunk = atoi(argv[3]);
  if (k < 1 || gran < 0 || chunk < 1 || chunk > MAX_CHUNK) {
    fprintf(stderr, "rtpgen: bad arguments\n");
    return 2;
  }
  int *fa = calloc((size_t)k, sizeof(int)), *fb = calloc((size_t)k, sizeof(int));
  for (int j = 0; j < k; j++) fa[j] = open_socket();
  for (int j = 0; j < k; j++) fb[j] = open_socket();
  printf("PORTS");
  for (int j = 0; j < k; j++) printf(" %d", port_of(fa[j]));
  for (int j = 0; j < k; j++) printf(" %d", port_of(fb[j]));
  printf("\n");
  fflush(stdout);

  int secs;
  if (scanf(" RUN %d %d", &calls, &secs) != 2 || calls < 1 || secs < 1) {
    fprintf(stderr, "rtpgen: expected RUN CALLS SECS\n");
    return 2;
  }
  ticks = (long)secs * (1000000000LL / PTIME_NS);
  struct side sa, sb;
  init_side(&sa, 0, fa);
  init_side(&sb, 1, fb);
  for (long i = 0; i < calls; i++) {
    char ha[64], hb[64];
    int pa, pb;
    if (scanf(" %63s %d %63s %d", ha, &pa, hb, &pb) != 4) {
      fprintf(stderr, "rtpgen: expected HOST_A PORT_A HOST_B PORT_B for call %ld\n", i);
      return 2;
    }
    struct sockaddr_in *d[2] = {&sa.to[i], &sb.to[i]};
    const char *h[2] = {ha, hb};
    int p[2] = {pa, pb};
    for (int x = 0; x < 2; x++) {
      d[x]->sin_family = AF_INET;
      d[x]->sin_port = htons((uint16_t)p[x]);
      if (inet_pton(AF_INET, h[x], &d[x]->sin_addr) != 1) {
        fprintf(stderr, "rtpgen: not an IPv4 address: %s\n", h[x]);
        return 2;
      }
    }
  }

  printf("GO\n");
  fflush(stdout);
  int64_t cpu0 = cpu_us();
  t0 = now_ns(CLOCK_MONOTONIC);
  int64_t end = t0 + ticks * PTIME_NS, wake = t0, drain_until = 0;
  for (;;) {
    int64_t mono = now_ns(CLOCK_MONOTONIC);
    off = now_ns(CLOCK_REALTIME) - mono;
    send_due(&sa, mono);
    send_due(&sb, mono);
    for (int j = 0; j < k; j++) {
      drain(fa[j]);
      drain(fb[j]);
    }
    int64_t next;
    if (sa.tick < ticks || sb.tick < ticks) {
      int64_t da = sa.tick < ticks ? due(&sa) : INT64_MAX, db = sb.tick < ticks ? due(&sb) : INT64_MAX;
      next = da < db ? da : db;
    } else {
      if (drain_until == 0) drain_until = now_ns(CLOCK_MONOTONIC) + DRAIN_NS;
      if (received >= sa.sent + sb.sent || now_ns(CLOCK_MONOTONIC) >= drain_until) break;
      next = 0;
    }
    wake = next > wake + gran ? next : wake + gran;
    struct timespec w = {(time_t)(wake / 1000000000LL), (long)(wake % 1000000000LL)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &w, NULL) == EINTR) {
    }
  }
  int64_t elapsed = now_ns(CLOCK_MONOTONIC) - t0, cpu = cpu_us() - cpu0;
  (void)end;
  printf("DONE sent=%ld received=%ld lat_p50_us=%ld lat_p90_us=%ld lat_p99_us=%ld lat_max_us=%lld"
         " tx_late_ticks=%ld tx_late_max_us=%lld tx_lag_max_us=%lld gen_cpu_us=%lld elapsed_us=%lld"
         " send_retries=%ld\n",
         sa.sent + sb.sent, received, pct(0.50), pct(0.90), pct(0.99), (long long)lat_max,
         sa.late_ticks + sb.late_ticks,
         (long long)((sa.late_max > sb.late_max ? sa.late_max : sb.late_max) / 1000),
         (long long)((sa.lag_max > sb.lag_max ? sa.lag_max : sb.lag_max) / 1000), (long long)cpu,
         (long long)(elapsed / 1000), eagain);
  fflush(stdout);
  while (getchar() != EOF) {
  }
  return 0;
}
