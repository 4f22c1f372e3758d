"""S3-compatible object storage (AWS S3, MinIO, Garage, Ceph RGW, Scaleway, OVH…) via boto3.

Objects are `prefix + name` in one bucket. Writes are multipart uploads: the writer holds one
part (VAULT_S3_PART_BYTES, at least 5 MiB, the S3 minimum) and uploads it when full, from a
worker thread (`flush`), so memory stays at one part per upload whatever the file size; a file
smaller than one part is sent in a single PUT. An upload is visible only once completed: an
interrupted one leaves an incomplete multipart upload, invisible, that `clean_temp` aborts
(and that a bucket lifecycle rule `AbortIncompleteMultipartUpload` can abort too).
Reads stream the object body. Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY variables, a profile, an instance role), never from the vault's settings.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from vault_service.storage import (
    DEFAULT_GRACE,
    BlobInfo,
    BlobStore,
    BlobWriter,
    Reader,
    StorageUnavailable,
)

if TYPE_CHECKING:
    from vault_service.settings import Settings

MIN_PART = 5 * 1024 * 1024
MISSING = {"NoSuchKey", "404", "NotFound"}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class _Body:
    """The object body as a Reader: `read(n)` returns n bytes unless at the end."""

    def __init__(self, body: Any) -> None:
        self.body = body

    def read(self, size: int, /) -> bytes:
        first = self.body.read(size)
        if len(first) == size or not first:
            return bytes(first)
        parts = [first]
        missing = size - len(first)
        while missing > 0:
            more = self.body.read(missing)
            if not more:
                break
            parts.append(more)
            missing -= len(more)
        return b"".join(parts)

    def close(self) -> None:
        self.body.close()


class _S3Writer(BlobWriter):
    def __init__(self, store: S3BlobStore, key: str) -> None:
        self.store = store
        self.key = key
        self.chunks: list[bytes] = []  # not yet sent; joined once per part (one copy)
        self.buffered = 0
        self.upload_id: str | None = None
        self.parts: list[dict[str, Any]] = []
        self.done = False

    def write(self, data: bytes) -> None:
        self.chunks.append(bytes(data))
        self.buffered += len(data)

    def needs_flush(self) -> bool:
        return self.buffered >= self.store.part_size

    def _take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks, self.buffered = [], 0
        return data

    def flush(self) -> None:
        # Parts need not be equal: each is what was buffered (≥ part size; only the last may
        # be smaller), so no slicing copy.
        if self.buffered >= self.store.part_size:
            self._part(self._take())

    def _part(self, data: bytes) -> None:
        client, bucket = self.store.client, self.store.bucket
        if self.upload_id is None:
            created = client.create_multipart_upload(Bucket=bucket, Key=self.key)
            self.upload_id = str(created["UploadId"])
        number = len(self.parts) + 1
        sent = client.upload_part(
            Bucket=bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=data
        )
        part = {"PartNumber": number, "ETag": sent["ETag"]}
        for checksum in ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA256"):
            if sent.get(checksum):
                part[checksum] = sent[checksum]
        self.parts.append(part)

    def commit(self) -> None:
        if self.done:
            return
        client, bucket = self.store.client, self.store.bucket
        if self.upload_id is None and self.buffered < self.store.part_size:
            client.put_object(Bucket=bucket, Key=self.key, Body=self._take())
        else:
            self.flush()
            if self.buffered or not self.parts:
                self._part(self._take())
            client.complete_multipart_upload(
                Bucket=bucket,
                Key=self.key,
                UploadId=self.upload_id,
                MultipartUpload={"Parts": self.parts},
            )
        self.done = True

    def abort(self) -> None:
        if self.done:
            return
        self.done = True
        self.chunks, self.buffered = [], 0
        if self.upload_id is not None:
            # On failure, left for clean_temp (or the bucket's lifecycle rule).
            with contextlib.suppress(ClientError, BotoCoreError):
                self.store.client.abort_multipart_upload(
                    Bucket=self.store.bucket, Key=self.key, UploadId=self.upload_id
                )


class S3BlobStore(BlobStore):
    def __init__(self, client: Any, bucket: str, prefix: str = "", part_size: int = MIN_PART):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.part_size = max(part_size, MIN_PART)

    @classmethod
    def from_settings(cls, settings: Settings) -> S3BlobStore:
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=settings.s3_endpoint_url or None,
            region_name=settings.s3_region or None,
            config=Config(
                retries={"max_attempts": 5, "mode": "standard"},
                max_pool_connections=64,
                connect_timeout=5,
                read_timeout=60,
                s3={"addressing_style": settings.s3_addressing_style},
            ),
        )
        return cls(client, settings.s3_bucket, settings.s3_prefix, settings.s3_part_bytes)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def key(self, name: str) -> str:
        return self.prefix + self.check_name(name)

    def create(self, name: str) -> BlobWriter:
        return _S3Writer(self, self.key(name))

    def open(self, name: str) -> Reader:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key(name))
        except ClientError as error:
            if _code(error) in MISSING:
                raise FileNotFoundError(name) from None
            raise
        return _Body(response["Body"])

    def remove(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(name))

    def entries(self) -> Iterator[BlobInfo]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = str(item["Key"])[len(self.prefix) :]
                if "/" not in name and name.endswith(".vlt"):
                    yield BlobInfo(name, int(item["Size"]), item["LastModified"].astimezone(UTC))

    def clean_temp(self, older_than: timedelta = DEFAULT_GRACE) -> int:
        limit = datetime.now(UTC) - older_than
        count = 0
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"].astimezone(UTC) <= limit:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    count += 1
        return count

    def check(self) -> None:
        key = f"{self.prefix}probe-{secrets.token_hex(8)}"
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=b"ok")
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            raise StorageUnavailable(
                f"{self.describe()} : refusé par le stockage objet ({_code(error)})"
            ) from None
        except BotoCoreError as error:
            raise StorageUnavailable(
                f"{self.describe()} : stockage objet injoignable ({type(error).__name__})"
            ) from None
