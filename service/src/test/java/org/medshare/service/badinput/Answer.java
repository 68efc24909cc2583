package org.medshare.service.badinput;

/** What the service answered to one bad request. */
record Answer(int status, String contentType, String body) {}
