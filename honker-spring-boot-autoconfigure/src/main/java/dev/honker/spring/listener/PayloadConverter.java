package dev.honker.spring.listener;

import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * Converts a job's payload, the JSON text stored in the queue, to the payload type of a
 * listener. The default, {@link JacksonPayloadConverter}, uses the application's Jackson
 * mapper; a bean of this type replaces it for every listener, for example to read a
 * payload format of your own.
 */
public interface PayloadConverter {

	/**
	 * Whether payloads can be converted to {@code type}. Asked once per listener when its
	 * container is created; {@code false} stops the application from starting.
	 * @param type the listener's payload type
	 * @return whether {@link #convert} can produce it
	 */
	default boolean canConvert(Type type) {
		return true;
	}

	/**
	 * Converts one payload. An exception sends the job to the {@link JobErrorHandler} as
	 * a {@link PayloadConversionException}, which the default handler dead-letters
	 * without retry.
	 * @param payload the job's payload as stored: one JSON value
	 * @param type the listener's payload type
	 * @return the payload as {@code type}
	 */
	@Nullable Object convert(String payload, Type type);

}
