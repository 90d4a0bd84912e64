#pragma once

#include "SecureBuffer.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <memory>
#include <optional>

namespace taskdesk::crypto {

// The console's local keystore: one passphrase-protected file holding payload keys,
// the console's X25519/Ed25519 secret keys and, where there is no OS keychain, tokens
// and API secrets.
//
// File format (all integers little-endian):
//   header (kHeaderBytes = 88 bytes, all of it associated data of the AEAD):
//     "TDKS" magic (4) | format version u16 (=1) | kind u16 (1 = keystore, 2 = backup)
//     | kdf algorithm u32 (crypto_pwhash_ALG_ARGON2ID13) | opslimit u64 | memlimit u64
//     | salt (16) | key check (16) | nonce (24) | ciphertext length u32
//   ciphertext (XChaCha20-Poly1305-IETF of the entries, tag included)
// The key is Argon2id(passphrase, salt, opslimit, memlimit) as recorded in the header,
// so a later version can raise the parameters and still open old files. The key check
// is BLAKE2b-128 keyed with the derived key over a constant; it tells a wrong
// passphrase (check differs) from a damaged file (check matches, AEAD fails). It
// reveals nothing about the key beyond what the ciphertext already allows to verify.
//
// Writes go through QSaveFile (write temp, fsync, rename); the file being replaced is
// first copied to "<file>.previous". A failed write, a wrong passphrase or a damaged
// file never overwrites anything. Files are created with mode 0600.
//
// Not thread-safe: one owner uses it, one call at a time (calls may run on a worker
// thread, since unlocking takes about a second). Two Keystore objects (or two
// processes) writing the same file do not merge: the last write wins.
class Keystore
{
public:
    static constexpr const char* kMagic = "TDKS";
    static constexpr quint16 kFormatVersion = 1;
    static constexpr std::size_t kHeaderBytes = 88;
    static constexpr std::size_t kSaltBytes = 16;
    static constexpr std::size_t kKeyCheckBytes = 16;
    static constexpr std::size_t kNonceBytes = 24;

    // Entry kinds used across the console.
    static constexpr const char* kKindPayloadKey = "payload-key"; // name = task id; meta {taskId, title}
    static constexpr const char* kKindBoxKey = "box-key"; // X25519 secret; meta {publicKey, serverKeyId}
    static constexpr const char* kKindSigningKey = "signing-key"; // Ed25519 seed; meta {publicKey}
    static constexpr const char* kKindCredential = "credential";  // token value or API secret; meta free

    enum class KdfStrength
    {
        Moderate,    // crypto_pwhash_OPSLIMIT/MEMLIMIT_MODERATE (256 MiB): the default
        Interactive, // ..._INTERACTIVE (64 MiB): for unit tests only
    };
    struct Options
    {
        // Parameters used when the file is created or re-keyed (create,
        // changePassphrase, exportBackup). Opening always uses those in the header.
        KdfStrength kdf = KdfStrength::Moderate;
    };

    struct Result
    {
        enum class Error
        {
            None,
            NotFound,           // no keystore file, or no entry of that name
            AlreadyExists,      // create() over an existing file
            WrongPassphrase,    // key check failed
            Corrupted,          // key check ok but the contents fail authentication, or bad layout
            Truncated,          // shorter than its header or its declared length
            NotAKeystore,       // unknown magic or wrong kind (a backup where a keystore was expected)
            UnsupportedVersion, // a format version or KDF this build does not know
            Io,                 // could not read or write the file
            Locked,             // the operation needs unlock() first
            InvalidArgument,    // empty passphrase, empty name, ...
        };
        Error error = Error::None;
        QString message; // user-facing, plain, says what to do; never contains secrets
        // importBackup: how many entries were added, were already there identically,
        // and were skipped because a different entry of that name exists.
        // exportBackup and inspectBackup: the number of entries in the backup (added).
        int added = 0;
        int unchanged = 0;
        int skipped = 0;

        explicit operator bool() const { return error == Error::None; }
    };

    struct Entry
    {
        QString name;
        QString kind;
        QJsonObject meta;
        QDateTime createdAt; // UTC
    };

    // Two constructors rather than a default argument: a nested struct with member
    // initialisers cannot be a default argument inside its own class.
    explicit Keystore(QString filePath);
    Keystore(QString filePath, Options options);
    ~Keystore();
    Keystore(const Keystore&) = delete;
    Keystore& operator=(const Keystore&) = delete;

    QString filePath() const { return m_filePath; }
    QString previousFilePath() const { return m_filePath + QStringLiteral(".previous"); }
    bool exists() const;

    // Creates an empty keystore under passphrase and leaves it unlocked; creates the
    // folder (mode 0700) if it is missing. AlreadyExists if the file exists (nothing is
    // touched); InvalidArgument for an empty passphrase.
    Result create(const SecureBuffer& passphrase);
    Result unlock(const SecureBuffer& passphrase);
    // Wipes the derived key and every secret held in memory.
    void lock();
    bool isUnlocked() const;

    // Metadata only; empty when locked. kind empty = all kinds. Sorted by name.
    QList<Entry> entries(const QString& kind = {}) const;
    std::optional<Entry> entry(const QString& name) const;
    // A copy of the secret; nullopt when locked or unknown.
    std::optional<SecureBuffer> secret(const QString& name) const;

    // Adds or replaces the entry and writes the file. On a failed write the in-memory
    // state is rolled back, so memory and file agree.
    Result put(const QString& name, const QString& kind, const SecureBuffer& secret,
               const QJsonObject& meta = {});
    Result remove(const QString& name);
    // Re-derives with a new random salt (and the Options' KDF strength) and rewrites.
    // The .previous copy is replaced by the new file too, so nothing on disk beside the
    // keystore opens with the old passphrase any more (backups exported earlier still do).
    Result changePassphrase(const SecureBuffer& newPassphrase);

    // A self-contained encrypted copy of every entry under its own passphrase and salt
    // (same format, kind = backup). Refuses to overwrite an existing file.
    Result exportBackup(const QString& backupPath, const SecureBuffer& backupPassphrase) const;
    // Checks that backupPath opens with the passphrase; reports the entry count in added.
    static Result inspectBackup(const QString& backupPath, const SecureBuffer& backupPassphrase);
    // Merges the backup's entries into this (unlocked) store and writes it once. An
    // existing name is kept; it counts as unchanged if identical, else as skipped.
    Result importBackup(const QString& backupPath, const SecureBuffer& backupPassphrase);

private:
    struct State;
    QString m_filePath;
    Options m_options;
    std::unique_ptr<State> m_state; // null when locked
};

} // namespace taskdesk::crypto
