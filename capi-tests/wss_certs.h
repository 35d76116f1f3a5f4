/* wss_certs.h - certificates made for zmqrs's wss:// tests (openssl req
 * -x509, EC P-256, valid 100 years): good_cert/good_key name localhost
 * (DNS name and common name) and are an end entity; other_cert is another
 * such certificate, which nothing here trusts; cn_cert/cn_key are a
 * self-signed CA with only the common name zmqrs.test. */
#ifndef ZMQRS_WSS_CERTS_H
#define ZMQRS_WSS_CERTS_H

static const char *good_cert __attribute__ ((unused)) =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBkTCCATigAwIBAgIUNZl7Sn2O5nxhG1r99xw5MUisxtcwCgYIKoZIzj0EAwIw\n"
  "FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwODAxNDU1NloYDzIxMjYxMTE0\n"
  "MDE0NTU2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\n"
  "PQMBBwNCAASL+niXF/B8aeVb3cdfBTR6TOqzQxMIUH0/scBqP9XMk82WPtVHngav\n"
  "LEGnolcVA403+iRLiZztkWrxvDqthczmo2YwZDAdBgNVHQ4EFgQUG0zj394VQA5Q\n"
  "Zer/DfSE+EUdt+0wHwYDVR0jBBgwFoAUG0zj394VQA5QZer/DfSE+EUdt+0wFAYD\n"
  "VR0RBA0wC4IJbG9jYWxob3N0MAwGA1UdEwEB/wQCMAAwCgYIKoZIzj0EAwIDRwAw\n"
  "RAIgLacyK8XLDwUZH0uUDUR7fZ++MWXhfwLalK3JtJJn5dwCIHW+Ie7jZ+FV+CKW\n"
  "Dib52bzhGy+uMbn/1aJXg5/jYKRn\n"
  "-----END CERTIFICATE-----\n";
static const char *good_key __attribute__ ((unused)) =
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgN0E4GvtJlqdAnc4k\n"
  "y7pYOgCSnMgZWWRhgGJstu7tYFWhRANCAASL+niXF/B8aeVb3cdfBTR6TOqzQxMI\n"
  "UH0/scBqP9XMk82WPtVHngavLEGnolcVA403+iRLiZztkWrxvDqthczm\n"
  "-----END PRIVATE KEY-----\n";
static const char *other_cert __attribute__ ((unused)) =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBkTCCATigAwIBAgIUBaFk3LRurBEHVr6T6WAUTpdQiZ0wCgYIKoZIzj0EAwIw\n"
  "FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwODAxNDU1NloYDzIxMjYxMTE0\n"
  "MDE0NTU2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\n"
  "PQMBBwNCAATGwfggEAXBpuIjRyCssaMODkoaVN5Ql45hWist6IDetQszKmkJuZc0\n"
  "8OiJu8VH1A7hHPG71IOiVXzQTjtHRE2po2YwZDAdBgNVHQ4EFgQUV+Zuu68UxbYG\n"
  "A26nKPZOpwEQJR4wHwYDVR0jBBgwFoAUV+Zuu68UxbYGA26nKPZOpwEQJR4wFAYD\n"
  "VR0RBA0wC4IJbG9jYWxob3N0MAwGA1UdEwEB/wQCMAAwCgYIKoZIzj0EAwIDRwAw\n"
  "RAIgUsh0coBDnX1XMcKs2tur4XborkFQEg5bG7j7IFfz0GICIEnhr0X92KaYtWpy\n"
  "6OMZWnt8vOumgZJpDen7E77KY917\n"
  "-----END CERTIFICATE-----\n";
static const char *cn_cert __attribute__ ((unused)) =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBgjCCASegAwIBAgIUY1DSNmFqqNEpDnkw/+HPpRXyyS8wCgYIKoZIzj0EAwIw\n"
  "FTETMBEGA1UEAwwKem1xcnMudGVzdDAgFw0yNjEyMDgwMTQ2MDJaGA8yMTI2MTEx\n"
  "NDAxNDYwMlowFTETMBEGA1UEAwwKem1xcnMudGVzdDBZMBMGByqGSM49AgEGCCqG\n"
  "SM49AwEHA0IABDe/D/4LTctN9SkVWNSQmFW+hB2YeN3HD6WMM+CYjA2qWMk4B4j/\n"
  "25xygJgHuJQoNt3QprW2a9wVl00x4fQuw1SjUzBRMB0GA1UdDgQWBBTU+3bHn6Qe\n"
  "eSo5/owBBTcLb4xvRzAfBgNVHSMEGDAWgBTU+3bHn6QeeSo5/owBBTcLb4xvRzAP\n"
  "BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDEDloSPaU9m+5MzuY1\n"
  "ymTUcuVG043j2GZ4gs5MGwxYIwIhAKWpeiIDSQrl5wenBkhBGCANthsGDuIf+A3X\n"
  "UszgezkM\n"
  "-----END CERTIFICATE-----\n";
static const char *cn_key __attribute__ ((unused)) =
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNQkOFKNnbXJFdrFp\n"
  "crFRAeMQLBqT2wMqIlyX3zNbg/KhRANCAAQ3vw/+C03LTfUpFVjUkJhVvoQdmHjd\n"
  "xw+ljDPgmIwNqljJOAeI/9uccoCYB7iUKDbd0Ka1tmvcFZdNMeH0LsNU\n"
  "-----END PRIVATE KEY-----\n";

#endif
