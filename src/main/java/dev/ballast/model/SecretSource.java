package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a container secret's {@code valueFrom} points (ECS {@code Secret}): a Secrets Manager secret or an SSM
 * Parameter Store parameter. The wire string is the ARN's service ({@code arn:aws:<service>:…}).
 */
public enum SecretSource {
    SECRETS_MANAGER("secretsmanager"),
    SSM_PARAMETER("ssm");

    private final String wire;

    SecretSource(String wire) {
        this.wire = wire;
    }

    /** The ARN's service name. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose service name is {@code value}; an unknown one is refused, naming it. */
    public static SecretSource fromWire(String value) {
        return Wire.lookup(SecretSource.class, SecretSource::wire, value, "secret source");
    }
}
