/**
 * Data access for records, hospitals' numbers and signing keys: metadata and content ids, never content.
 */
package org.medshare.service.records.persistence;
