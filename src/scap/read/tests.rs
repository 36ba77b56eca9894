//! Reader tests: the sample captures, byte order, corruption.
