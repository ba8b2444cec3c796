package dev.ballast.api.auth;

/**
 * The {@code <date>/<region>/<service>/aws4_request} part of a SigV4 credential, which also appears
 * as the third line of the string to sign.
 *
 * @param date    {@code YYYYMMDD} (checked for 8 digits when parsed)
 * @param region  any non-empty region name
 * @param service the signing name, e.g. {@code ecs}
 */
record CredentialScope(String date, String region, String service) {

    static final String TERMINATOR = "aws4_request";

    /** The scope as it appears in the string to sign. */
    @Override
    public String toString() {
        return date + "/" + region + "/" + service + "/" + TERMINATOR;
    }
}
