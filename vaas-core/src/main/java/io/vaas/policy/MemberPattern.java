package io.vaas.policy;

/**
 * One member named in an allowlist: a method or constructor with its parameter types, all overloads of a name
 * ({@code name(*)}), or a field.
 *
 * @param name       the member's name; {@code <init>} for constructors
 * @param paramsDesc the parameter part of the descriptor, such as {@code (ILjava/lang/String;)}; {@code *} for any
 *                   overload; null for a field
 */
record MemberPattern(String name, String paramsDesc) {

    boolean matches(String memberName, String desc, boolean field) {
        if (!name.equals(memberName)) {
            return false;
        }
        if (paramsDesc == null) {
            return field;
        }
        if (field) {
            return false;
        }
        return paramsDesc.equals("*") || desc.startsWith(paramsDesc);
    }

    @Override
    public String toString() {
        return paramsDesc == null ? name : name + paramsDesc;
    }
}
