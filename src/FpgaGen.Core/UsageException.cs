namespace FpgaGen;

/// <summary>
/// A command-line value that parsed but is not accepted (an option out of range, options that do not go together, a
/// missing option): the CLI prints it like a parse error, one line ending with where the command's help is, exit 2.
/// Errors in the files the options name stay plain <see cref="InputException"/>s: the help would not fix them.
/// </summary>
public sealed class UsageException(string message) : InputException(message);
