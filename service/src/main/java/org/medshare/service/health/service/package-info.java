/**
 * Takes the platform's read-only snapshot; it starts nothing and changes nothing.
 */
package org.medshare.service.health.service;
