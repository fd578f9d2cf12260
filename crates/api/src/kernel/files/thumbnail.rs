//! Thumbnails for the app's lists: a JPEG at most [`MAX_SIDE`] pixels on its longer side,
//! turned upright by the photo's EXIF orientation.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

pub const MAX_SIDE: u32 = 320;
const QUALITY: u8 = 75;
/// A small file may declare a huge canvas (a decompression bomb): refuse to allocate for it.
const MAX_DIMENSION: u32 = 20_000;
const MAX_ALLOC_BYTES: u64 = 512 << 20;

/// The content types a thumbnail is made of.
pub fn supports(content_type: &str) -> bool {
    matches!(content_type, "image/jpeg" | "image/png" | "image/webp")
}

/// The JPEG thumbnail of an image file; `None` when it cannot be decoded within the limits
/// (the attachment is kept, without a thumbnail).
pub fn make(file: &[u8]) -> Option<Vec<u8>> {
    match render(file) {
        Ok(jpeg) => Some(jpeg),
        Err(e) => {
            tracing::info!(error = %e, "no thumbnail: the image could not be decoded");
            None
        }
    }
}

/// The width and height an image's header declares, read without decoding it.
pub fn dimensions(file: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(file))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

fn render(file: &[u8]) -> image::ImageResult<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(file)).with_guessed_format()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_ALLOC_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    let small = image.thumbnail(MAX_SIDE, MAX_SIDE).into_rgb8();
    let mut out = Vec::new();
    small.write_with_encoder(JpegEncoder::new_with_quality(&mut out, QUALITY))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn thumbnail_keeps_the_aspect_within_the_box() {
        let thumb = make(&png(1000, 500)).unwrap();
        let decoded = image::load_from_memory(&thumb).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (MAX_SIDE, MAX_SIDE / 2)
        );
        assert_eq!(
            image::guess_format(&thumb).unwrap(),
            ImageFormat::Jpeg,
            "thumbnails are JPEG"
        );
    }

    #[test]
    fn undecodable_images_have_no_thumbnail() {
        let mut broken = png(50, 50);
        broken.truncate(60);
        assert!(make(&broken).is_none());
        assert!(make(b"\x89PNG\r\n\x1a\n").is_none());
    }
}
