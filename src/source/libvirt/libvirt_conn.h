/* libvirt_conn.h: opening a libvirt connection the way every libvirt part of
 * xenbench does (URI, silenced error printing, the message when it fails). */
#ifndef XB_LIBVIRT_CONN_H
#define XB_LIBVIRT_CONN_H

#include <stddef.h>
#include <libvirt/libvirt.h>

#include "util/err.h"

/* Connect to $LIBVIRT_DEFAULT_URI, or qemu:///system when unset or empty;
 * the URI used is copied to uri.  libvirt's default error printing on stderr
 * is switched off (process-wide) first: errors reach the user through err.
 * Returns the connection, or NULL with err set (-ECONNREFUSED):
 * "libvirtd is not running (connect URI: libvirt's message)", or
 * "libvirt refused access (...)" for authentication or permission failures. */
virConnectPtr xb_libvirt_connect(char *uri, size_t len, struct xb_err *err);

/* libvirt's message for the last failed call of this thread. */
const char *xb_libvirt_last_error(void);

#endif
