/*
 * Titan uploads (titan.h): the author's publishing, replacing and deleting
 * of reviews over the Gemini listener. This file decides who may write
 * what, asks for the body once that is settled, and runs the write on the
 * index's thread; publish.c does the disk work, index.c the rebuild.
 */

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "buf.h"
#include "config.h"
#include "host.h"
#include "index.h"
#include "log.h"
#include "publish.h"
#include "request.h"
#include "review.h"
#include "titan.h"
#include "vocab.h"

/* The directory the index reads; an upload elsewhere needs no rebuild. */
#define INDEXED_DIR	"reviews/"

/* An upload or deletion on its way through the index's thread. */
struct upload {
	struct pending		 base;		/* first: what the connection waits for */
	struct index_job	 job;
	atomic_uint		 refs;		/* the connection's and the job's */
	pthread_mutex_t		 lock;		/* settled, wake and arg */
	int			 settled;
	void			(*wake)(void *);
	void			*arg;
	/* What to do, copied: the connection may be gone before it is done. */
	int			 root_fd, trash_fd;	/* the shelf's, alive while the index is */
	char			 host[HOST_MAX + 1];
	char			 dir[TITAN_PATHS_MAX];	/* "reviews/" */
	char			 name[NAME_MAX + 1];
	char			 who[FINGERPRINT_HEX];	/* the certificate's, or "token" */
	char			*body;		/* owned; NULL for a deletion */
	size_t			 len;
	/* The outcome, written by the job before it settles. */
	enum status		 status;
	char			 meta[META_MAX + 1];
	char			 path[TITAN_PATHS_MAX + NAME_MAX + 1];	/* dir and name */
};

#define UPLOAD_OF(p, member) \
	((struct upload *)(void *)((char *)(p) - offsetof(struct upload, member)))

static void
upload_put(struct upload *u)
{
	if (atomic_fetch_sub(&u->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&u->lock);
	free(u->body);
	free(u);
}

static void
upload_put_pending(struct pending *p)
{
	upload_put(UPLOAD_OF(p, base));
}

static int
upload_wait(struct pending *p, void (*wake)(void *), void *arg)
{
	struct upload	*u = UPLOAD_OF(p, base);
	int		 settled;

	pthread_mutex_lock(&u->lock);
	if (!(settled = u->settled)) {
		u->wake = wake;
		u->arg = arg;
	}
	pthread_mutex_unlock(&u->lock);
	return settled;
}

static void
upload_cancel(struct pending *p)
{
	struct upload	*u = UPLOAD_OF(p, base);

	pthread_mutex_lock(&u->lock);
	u->wake = NULL;
	u->arg = NULL;
	pthread_mutex_unlock(&u->lock);
}

static const struct pending_ops upload_ops = {
	.wait = upload_wait,
	.put = upload_put_pending,
	.cancel = upload_cancel,
};

/* The answer: its status, and its meta as what and why one after the other. */
static void
outcome(struct upload *u, enum status status, const char *what, const char *why)
{
	u->status = status;
	snprintf(u->meta, sizeof(u->meta), "%s%s", what, why);
}

/* 30 to the page of what was written, its path encoded as a link's would be. */
static void
redirect_to(struct upload *u)
{
	struct buf	b = { 0 };

	buf_append(&b, "/", 1);
	buf_put_path(&b, u->path);
	if (b.failed)
		outcome(u, STATUS_TEMPORARY_FAILURE, "Saved, but out of memory to say where", "");
	else
		outcome(u, STATUS_REDIRECT_TEMPORARY, b.data, "");
	buf_free(&b);
}

/* A publish result as the answer: 59 for what was asked, 51, or 40 for the disk. */
static void
failed(struct upload *u, enum publish_result rc, const char *reason)
{
	if (rc == PUBLISH_REFUSED)
		outcome(u, STATUS_BAD_REQUEST, "Refused: ", reason);
	else if (rc == PUBLISH_MISSING)
		outcome(u, STATUS_NOT_FOUND, "Not found: ", reason);
	else
		outcome(u, STATUS_TEMPORARY_FAILURE, "Not saved: ", reason);
}

/* Writes the body, once it reads as a review; the old file stays until then. */
static void
do_publish(struct upload *u, int dir_fd)
{
	struct review	*scratch;
	char		 why[PUBLISH_REASON_MAX], other[REVIEW_PATH_MAX + 1];
	const char	*reason;
	int		 rc;

	if ((scratch = malloc(sizeof(*scratch))) == NULL) {
		outcome(u, STATUS_TEMPORARY_FAILURE, "Not saved: out of memory", "");
		return;
	}
	rc = publish_check(u->path, u->body, u->len, scratch, why);
	free(scratch);
	if (rc == -1) {
		outcome(u, STATUS_BAD_REQUEST, "Not a review: ", why);
		return;
	}
	if (strcmp(u->dir, INDEXED_DIR) == 0 && publish_slug_taken(dir_fd, u->name, other, sizeof(other))) {
		/* Cut if it must: the names are in the log line too. */
		if ((size_t)snprintf(why, sizeof(why), "%s has the slug of %s%s; replace or "
		    "delete that one", u->name, u->dir, other) >= sizeof(why))
			why[sizeof(why) - 1] = '\0';
		outcome(u, STATUS_BAD_REQUEST, "Refused: ", why);
		return;
	}
	if ((rc = publish_write(dir_fd, u->name, u->body, u->len, &reason)) != PUBLISH_DONE) {
		failed(u, rc, reason);
		return;
	}
	redirect_to(u);
}

static void
do_delete(struct upload *u, int dir_fd)
{
	char		 entry[TRASH_ENTRY_MAX + 1];
	const char	*reason;
	int		 rc;

	rc = publish_trash(dir_fd, u->dir, u->name, u->trash_fd, (long long)time(NULL),
	    entry, &reason);
	if (rc != PUBLISH_DONE) {
		failed(u, rc, reason);
		return;
	}
	log_info("titan: %s: %s is in the trash as %s", u->host, u->path, entry);
	outcome(u, STATUS_REDIRECT_TEMPORARY, "/", "");
}

/* On the index's thread: the disk work; names the file the index must read again. */
static const char *
upload_run(struct index_job *job)
{
	struct upload		*u = UPLOAD_OF(job, job);
	enum publish_result	 rc;
	const char		*reason;
	int			 dir_fd;

	if ((dir_fd = publish_open_dir(u->root_fd, u->dir, &rc, &reason)) == -1)
		failed(u, rc, reason);
	else {
		if (u->body == NULL)
			do_delete(u, dir_fd);
		else
			do_publish(u, dir_fd);
		close(dir_fd);
	}
	log_info("titan: %s: %s %s %s (%zu bytes): %d %s", u->host, u->who,
	    u->body == NULL ? "deleting" : "publishing", u->path, u->len, u->status, u->meta);
	if (u->status == STATUS_REDIRECT_TEMPORARY && strcmp(u->dir, INDEXED_DIR) == 0)
		return u->name;
	return NULL;
}

/* On the index's thread, after the rebuild: the connection may answer now. */
static void
upload_done(struct index_job *job)
{
	struct upload	*u = UPLOAD_OF(job, job);

	pthread_mutex_lock(&u->lock);
	u->settled = 1;
	/* Under the lock: a connection that cancelled is never woken. */
	if (u->wake != NULL)
		u->wake(u->arg);
	pthread_mutex_unlock(&u->lock);
	upload_put(u);
}

/* SHA-256 of both, compared in constant time: neither length nor bytes leak by timing. */
static int
token_equal(const char *given, const char *want)
{
	unsigned char	a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
	unsigned int	na = 0, nb = 0;

	if (EVP_Digest(given, strlen(given), a, &na, EVP_sha256(), NULL) != 1 ||
	    EVP_Digest(want, strlen(want), b, &nb, EVP_sha256(), NULL) != 1 || na != nb)
		return 0;
	return CRYPTO_memcmp(a, b, na) == 0;
}

/* Who is writing, into who: the owner's certificate or the token; else the refusal. */
static int
authorise(const struct request *req, const struct titan_request *t,
    const struct host_config *h, char who[FINGERPRINT_HEX], struct response *resp)
{
	if (t->has_token) {
		if (h->titan_token[0] == '\0' || !token_equal(t->token, h->titan_token)) {
			response_set(resp, STATUS_CERTIFICATE_NOT_AUTHORISED,
			    "Not authorised: that token does not open uploads here");
			return -1;
		}
		snprintf(who, FINGERPRINT_HEX, "token");
		return 0;
	}
	if (!req->has_certificate) {
		response_set(resp, STATUS_CERTIFICATE_REQUIRED,
		    "Uploading needs the owner's client certificate");
		return -1;
	}
	if (!config_is_owner(h, req->fingerprint)) {
		response_set(resp, STATUS_CERTIFICATE_NOT_AUTHORISED,
		    "Not authorised: only the owner's certificate may upload here");
		return -1;
	}
	memcpy(who, req->fingerprint, FINGERPRINT_HEX);
	return 0;
}

/* Returns 1 when a segment of path (from '/') is hidden, ".", "..", or empty. */
static int
has_odd_segment(const char *path)
{
	const char	*p;

	for (p = path; *p == '/'; ) {
		p++;
		if (*p == '.' || *p == '/')
			return 1;
		p += strcspn(p, "/");
	}
	return 0;
}

/*
 * Splits the path into one of titan_paths and a name a review may have;
 * the path as sent must be the path as read, with no segment to fold.
 */
static int
split_path(const struct url *url, const struct host_config *h, char *dir, char *name,
    struct response *resp)
{
	char		 raw[GEMINI_URL_MAX + 1];
	const char	*p, *rest, *reason;
	size_t		 n, rawlen;

	if (percent_decode(url->raw_path, strlen(url->raw_path), raw, sizeof(raw), &rawlen,
	    &reason) == -1 || strcmp(raw, url->path) != 0 || has_odd_segment(url->path)) {
		response_set(resp, STATUS_BAD_REQUEST, "Refused: the path has a hidden name, "
		    "a . or .. segment, or two slashes in a row");
		return -1;
	}
	if (url->path[strlen(url->path) - 1] == '/') {
		response_set(resp, STATUS_BAD_REQUEST, "Refused: %s is a directory; "
		    "name a file in it", url->path);
		return -1;
	}
	for (p = h->titan_paths; *p != '\0'; p += n + (p[n] == ' ')) {
		n = strcspn(p, " ");
		rest = url->path + 1 + n;
		if (strncmp(url->path + 1, p, n) == 0 && strchr(rest, '/') == NULL &&
		    strlen(rest) <= NAME_MAX) {
			memcpy(dir, p, n);
			dir[n] = '\0';
			memcpy(name, rest, strlen(rest) + 1);
			return 0;
		}
	}
	response_set(resp, STATUS_BAD_REQUEST, "Refused: uploads go only directly in %s",
	    h->titan_paths);
	return -1;
}

/* Only gemtext or plain text is a review: another type is a mistake. */
static int
check_name_and_type(const char *name, const char *mime, struct response *resp)
{
	struct review_name	 rn;
	const char		*reason;

	if (review_name_parse(name, &rn, &reason) == -1) {
		response_set(resp, STATUS_BAD_REQUEST, "Refused: %s: %s", name, reason);
		return -1;
	}
	if (mime[0] != '\0' && strcmp(mime, "text/gemini") != 0 &&
	    strcmp(mime, "text/plain") != 0) {
		response_set(resp, STATUS_BAD_REQUEST, "Refused: a review is text/gemini, "
		    "not %s", mime);
		return -1;
	}
	return 0;
}

/* Hands the write to the index's thread; the connection waits for it. */
static void
submit(struct request *req, const struct titan_request *t, struct upload *u,
    struct response *resp)
{
	u->base.ops = &upload_ops;
	u->job.run = upload_run;
	u->job.done = upload_done;
	atomic_init(&u->refs, 2);
	pthread_mutex_init(&u->lock, NULL);
	u->root_fd = req->host->root_fd;
	u->trash_fd = req->host->trash_fd;
	memcpy(u->host, req->host->name, sizeof(u->host));
	snprintf(u->path, sizeof(u->path), "%s%s", u->dir, u->name);	/* fits: both bounded */
	u->len = t->size;
	if (t->size > 0 && (u->body = malloc(t->size)) == NULL) {
		pthread_mutex_destroy(&u->lock);
		free(u);
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Not saved: out of memory");
		return;
	}
	if (t->size > 0)
		memcpy(u->body, req->body, t->size);
	resp->pending = &u->base;
	index_submit(req->host->index, &u->job);
}

/* The answer the job left, once it is settled. */
static void
settled(const struct pending *p, struct response *resp)
{
	const struct upload	*u = (const struct upload *)(const void *)
				    ((const char *)p - offsetof(struct upload, base));

	response_set(resp, u->status, "%s", u->meta);
}

void
titan_answer(struct request *req, const struct titan_request *t, struct response *resp)
{
	const struct host_config	*h = req->host->settings;
	struct upload			*u;

	if (req->settled != NULL) {
		settled(req->settled, resp);
		return;
	}
	if (!h->titan) {
		response_set(resp, STATUS_BAD_REQUEST, "Titan uploads are not enabled on %s",
		    req->host->name);
		return;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL) {
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Not saved: out of memory");
		return;
	}
	if (authorise(req, t, h, u->who, resp) == 0) {
		if (t->size > h->titan_max_size)
			response_set(resp, STATUS_BAD_REQUEST, "Too large: %llu bytes, where "
			    "this host takes %u at most", t->size, h->titan_max_size);
		else if (split_path(&t->url, h, u->dir, u->name, resp) == 0 &&
		    check_name_and_type(u->name, t->mime, resp) == 0) {
			if (t->size > 0 && req->body == NULL)
				resp->body_wanted = (size_t)t->size;
			else {
				submit(req, t, u, resp);
				return;
			}
		}
	}
	if (resp->status != 0)
		log_info("titan: %s: %s refused %s (%llu bytes): %d %s", req->host->name,
		    u->who[0] != '\0' ? u->who : req->has_certificate ? req->fingerprint :
		    "no certificate", t->url.path, t->size, resp->status, resp->meta);
	free(u);
}
