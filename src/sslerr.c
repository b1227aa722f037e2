/*
 * OpenSSL's error queue as one line for the log: the root cause, with the
 * detail a decoder gave, so "cert.pem: no start line" reads like any other
 * reason (log.h's reasonf).
 */

#include <string.h>

#include <openssl/err.h>

#include "log.h"
#include "sslerr.h"

/*
 * Returns "what: REASON" for the oldest queued OpenSSL error, the root cause,
 * and empties the queue.
 */
const char *
ssl_error_reason(const char *what)
{
	char		 buf[256];
	const char	*s, *data;
	unsigned long	 e;
	int		 flags;

	e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
	if (e == 0)
		return reasonf("%s: unknown TLS error", what);
	/* OpenSSL keeps no text for errno values. */
	if (ERR_SYSTEM_ERROR(e)) {
		ERR_clear_error();
		return reasonf("%s: %s", what, strerror(ERR_GET_REASON(e)));
	}
	if ((s = ERR_reason_error_string(e)) == NULL) {
		ERR_error_string_n(e, buf, sizeof(buf));
		s = buf;
	}
	/*
	 * The data says why the decoders rejected a key; for PEM it only names
	 * the label expected ("TRUSTED CERTIFICATE" for any chain), which misleads.
	 */
	if ((flags & ERR_TXT_STRING) && *data != '\0' &&
	    ERR_GET_LIB(e) != ERR_LIB_PEM)
		s = reasonf("%s: %s (%s)", what, s, data);
	else
		s = reasonf("%s: %s", what, s);
	/* Not before: data lives in the queue. */
	ERR_clear_error();
	return s;
}

