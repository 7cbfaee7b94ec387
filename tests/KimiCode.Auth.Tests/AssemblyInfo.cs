// These tests exercise Unix file modes, libc mkdir and flock: the platforms the Node and Python clients share data on.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
