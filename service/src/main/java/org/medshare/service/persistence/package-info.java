/** What the repositories' native SQL statements share, on H2 (embedded) and PostgreSQL (production) alike. */
package org.medshare.service.persistence;
