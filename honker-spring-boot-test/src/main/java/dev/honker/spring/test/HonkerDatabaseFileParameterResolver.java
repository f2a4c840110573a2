package dev.honker.spring.test;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link HonkerDatabaseFile} parameter of a test method to a fresh file,
 * deleted when the test ends.
 */
class HonkerDatabaseFileParameterResolver implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(HonkerDatabaseFileParameterResolver.class);

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == HonkerDatabaseFile.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		HonkerDatabaseFile database = HonkerDatabaseFile.create();
		context.getStore(NAMESPACE).put(parameter.getIndex(), (AutoCloseable) database::delete);
		return database;
	}

}
