/**
 * The caller's own view of itself, and the register of parties for regulators.
 */
package org.medshare.service.identity.rest;
