"""vanban — sinh văn bản của một đợt sơ kết, tổng kết từ một bộ dữ liệu."""

__version__ = "0.1.0"
