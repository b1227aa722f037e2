/* Unit tests of configuration values: one key at a time, as file and flags set them. */

#include <stdlib.h>

#include "config.h"
#include "harness.h"

int
main(void)
{
	struct config	*c = config_new();
	const char	*reason;

	if (c == NULL)
		return 1;
	CHECK_STR(c->hostname, "localhost");
	CHECK_INT(c->gemini_port, 1965);
	CHECK_INT(c->gopher_port, 70);
	CHECK_INT(c->request_timeout, 10);

	CHECK_INT(config_set(c, "hostname", "Films.Example.ORG.", &reason), 0);
	CHECK_STR(c->hostname, "films.example.org");
	CHECK_INT(config_set(c, "hostname", "bad host", &reason), -1);
	CHECK_STR(reason, "'bad host' is not a host name");

	CHECK_INT(config_set(c, "port", "1966", &reason), 0);
	CHECK_INT(c->gemini_port, 1966);
	CHECK_INT(config_set(c, "port", "0", &reason), -1);
	CHECK_STR(reason, "'0' is out of range 1-65535");
	CHECK_INT(config_set(c, "port", "65536", &reason), -1);
	CHECK_INT(config_set(c, "port", "19x", &reason), -1);
	CHECK_STR(reason, "'19x' is not a number");
	CHECK_INT(config_set(c, "port", "-1", &reason), -1);
	CHECK_INT(config_set(c, "port", "99999999999999999999", &reason), -1);
	CHECK_INT(c->gemini_port, 1966);
	CHECK_INT(config_set(c, "gopher_port", "0", &reason), 0);
	CHECK_INT(c->gopher_port, 0);

	CHECK_INT(config_set(c, "lang", "fr-CA", &reason), 0);
	CHECK_STR(c->lang, "fr-CA");
	CHECK_INT(config_set(c, "lang", "fr; x", &reason), -1);
	CHECK_STR(reason, "'fr; x' is not a language tag");
	CHECK_INT(config_set(c, "lang", "", &reason), -1);

	CHECK_INT(config_set(c, "root", "", &reason), -1);
	CHECK_STR(reason, "empty value");
	CHECK_INT(config_set(c, "user", "a-very-long-user-name-over-thirty-two-bytes", &reason), -1);
	CHECK_STR(reason, "value longer than 32 bytes");
	CHECK_INT(config_set(c, "request_timeout", "3601", &reason), -1);
	CHECK_INT(config_set(c, "workers", "0", &reason), 0);
	CHECK_INT(config_set(c, "prot", "1965", &reason), -1);
	CHECK_STR(reason, "unknown key 'prot'");

	CHECK_INT(config_finish(c, &reason), 0);
	CHECK_STR(c->cert, "certs/films.example.org.crt");
	CHECK_STR(c->key, "certs/films.example.org.key");
	config_discard(c);
	return harness_done();
}
