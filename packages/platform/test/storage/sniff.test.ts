// The type of an upload is what its bytes say: every allowed format is recognised from real bytes,
// and executables, markup, archives, unknown bytes and polyglots are refused whatever they are called.
import { describe, expect, it } from 'vitest';
import { sniffMedia } from '../../src/storage/index.js';
import {
  animatedGif,
  elfExecutable,
  isoMedia,
  mp3Frame,
  mp3WithId3,
  noiseJpeg,
  sampleGif,
  samplePng,
  sampleWebp,
  windowsExecutable,
  zipArchive,
} from './media-samples.js';

describe('sniffMedia', () => {
  it('recognises real JPEG, PNG, WebP and GIF images', async () => {
    expect(sniffMedia(await noiseJpeg())).toEqual({
      kind: 'image',
      contentType: 'image/jpeg',
      extension: 'jpg',
    });
    expect(sniffMedia(await samplePng())).toEqual({
      kind: 'image',
      contentType: 'image/png',
      extension: 'png',
    });
    expect(sniffMedia(await sampleWebp())).toEqual({
      kind: 'image',
      contentType: 'image/webp',
      extension: 'webp',
    });
    expect(sniffMedia(await sampleGif())).toEqual({
      kind: 'image',
      contentType: 'image/gif',
      extension: 'gif',
    });
    expect(sniffMedia(await animatedGif())?.contentType).toBe('image/gif');
  });

  it('tells MP4 video from M4A audio by the ftyp brands', () => {
    const video = { kind: 'video', contentType: 'video/mp4', extension: 'mp4' };
    const audio = { kind: 'audio', contentType: 'audio/mp4', extension: 'm4a' };
    expect(sniffMedia(isoMedia('isom', ['isom', 'iso2', 'avc1', 'mp41']))).toEqual(video);
    expect(sniffMedia(isoMedia('mp42', ['mp42', 'isom']))).toEqual(video);
    expect(sniffMedia(isoMedia('M4A ', ['M4A ', 'mp42', 'isom']))).toEqual(audio);
    expect(sniffMedia(isoMedia('M4B ', ['M4B ', 'mp42']))).toEqual(audio);
    // An unknown major brand is rescued only by a known compatible brand.
    expect(sniffMedia(isoMedia('xyz1', ['M4A ']))).toEqual(audio);
  });

  it('refuses other ISO media: QuickTime, HEIF, 3GP', () => {
    expect(sniffMedia(isoMedia('qt  ', ['qt  ']))).toBeNull();
    expect(sniffMedia(isoMedia('heic', ['mif1', 'heic']))).toBeNull();
    expect(sniffMedia(isoMedia('3gp4', ['3gp4']))).toBeNull();
  });

  it('recognises MP3 by its ID3 tag or by an MPEG audio frame header', () => {
    const mp3 = { kind: 'audio', contentType: 'audio/mpeg', extension: 'mp3' };
    expect(sniffMedia(mp3WithId3())).toEqual(mp3);
    expect(sniffMedia(mp3Frame())).toEqual(mp3);
    // Same sync bits, reserved sample rate: not an MPEG audio frame.
    expect(sniffMedia(Buffer.from([0xff, 0xfb, 0x9c, 0x00, 0, 0]))).toBeNull();
    // ADTS AAC (layer bits 00) is not MP3.
    expect(sniffMedia(Buffer.from([0xff, 0xf1, 0x50, 0x80, 0, 0]))).toBeNull();
  });

  it('refuses executables whatever they are named: a Windows .exe and an ELF binary', () => {
    expect(sniffMedia(windowsExecutable())).toBeNull();
    expect(sniffMedia(elfExecutable())).toBeNull();
  });

  it('refuses SVG, HTML, XML, zip archives, empty and unknown bytes', () => {
    expect(
      sniffMedia(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')),
    ).toBeNull();
    expect(sniffMedia(Buffer.from('<?xml version="1.0"?><svg/>'))).toBeNull();
    expect(sniffMedia(Buffer.from('<!DOCTYPE html><html><body>hi</body></html>'))).toBeNull();
    expect(sniffMedia(zipArchive())).toBeNull();
    expect(sniffMedia(Buffer.alloc(0))).toBeNull();
    expect(sniffMedia(Buffer.from('just some text'))).toBeNull();
    expect(sniffMedia(Buffer.from([0xff, 0xd8]))).toBeNull();
  });

  it('refuses polyglots: an image signature followed by markup in the first bytes', async () => {
    const gifHtml = Buffer.concat([
      Buffer.from('GIF89a/*'),
      Buffer.from('*/=1;<HTML><Script>alert(1)</SCRIPT>'),
    ]);
    expect(sniffMedia(gifHtml)).toBeNull();
    const jpegSvg = Buffer.concat([
      (await noiseJpeg()).subarray(0, 20),
      Buffer.from('<svg onload=alert(1)>'),
    ]);
    expect(sniffMedia(jpegSvg)).toBeNull();
    expect(sniffMedia(Buffer.concat([await samplePng(), Buffer.from('<?XML version="1.0"?>')]))).toBeNull();
  });

  it('refuses a valid MP3 or MP4 head followed by a page: doctype, body, iframe, img, object, embed, links', () => {
    const mp3Head = Buffer.from([0xff, 0xfb, 0x90, 0x00]);
    const id3Head = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
    for (const markup of [
      '<!doctype html><body onload=alert(1)>',
      '<BODY onload=alert(1)>',
      '<iframe src=//evil>',
      '<img src=x onerror=alert(1)>',
      '<object data=x>',
      '<embed src=x>',
      '<a href=x>click</a>',
      'location=javascript:alert(1)',
    ]) {
      for (const head of [mp3Head, id3Head, isoMedia('isom', ['isom'])]) {
        expect(sniffMedia(Buffer.concat([head, Buffer.from(markup)])), markup).toBeNull();
      }
    }
  });
});
