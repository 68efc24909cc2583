/**
 * Who is calling: the caller as the identity provider's verified token names it (subject, roles, organisation,
 * ABE attributes), and the register of parties that have used the service.
 */
package org.medshare.service.identity;
