package dev.honker.spring.listener;

/**
 * Adjusts each job listener container the {@link HonkerListenerContainerFactory} creates,
 * annotated or programmatic, before it is registered: for example its phase, whether it
 * starts with the context, or the executor of its handlers. Every bean of this type is
 * applied, in {@code @Order}.
 */
@FunctionalInterface
public interface HonkerListenerContainerCustomizer {

	/**
	 * Adjusts a container that has not started yet.
	 * @param container the container
	 */
	void customize(HonkerListenerContainer container);

}
