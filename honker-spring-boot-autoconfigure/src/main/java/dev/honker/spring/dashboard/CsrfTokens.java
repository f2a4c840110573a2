package dev.honker.spring.dashboard;

import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * The CSRF token that Spring Security's filter put on the request, if Spring Security is
 * on the classpath and protects the page; the page sends it back with every write.
 */
final class CsrfTokens {

	static final boolean SECURITY_PRESENT = ClassUtils.isPresent("org.springframework.security.web.csrf.CsrfToken",
			CsrfTokens.class.getClassLoader());

	private CsrfTokens() {
	}

	/**
	 * The header name and value to send with writes, or {@code null} when the request
	 * carries no token.
	 */
	static String[] headerAndToken(ServerRequest request) {
		return SECURITY_PRESENT ? Security.headerAndToken(request) : null;
	}

	/** Touches Spring Security's classes only when they are present. */
	private static final class Security {

		static String[] headerAndToken(ServerRequest request) {
			Object attribute = request.attribute(CsrfToken.class.getName()).orElse(null);
			if (attribute instanceof CsrfToken token) {
				return new String[] { token.getHeaderName(), token.getToken() };
			}
			return null;
		}

	}

}
