/**
 * The monitoring API: one read-only snapshot of the platform.
 */
package org.medshare.service.health.rest;
