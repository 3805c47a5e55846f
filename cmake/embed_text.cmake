# Writes a C++ file defining `const char* NAME()` that returns the text of IN, for files the
# binary carries with it (an installed linktrack needs no source tree).
file(READ ${IN} text)
get_filename_component(name ${IN} NAME)
file(WRITE ${OUT} "// Generated from ${name} at build time.\nnamespace ${NAMESPACE} {\nconst char* ${NAME}() {\n  return R\"linktrack_text(${text})linktrack_text\";\n}\n}  // namespace ${NAMESPACE}\n")
