import { paginateDescribeImages, type EC2Client, type Filter, type Image as SdkImage } from '@aws-sdk/client-ec2';
import type { ServiceConfig } from '../../config/catalog.js';
import type { Image } from '../../deploy/ports.js';
import { callAws } from './aws-errors.js';
import { tagRecord } from './tags.js';

/** The service's images matching `versionFilter`, newest first. */
async function describeImages(ec2: EC2Client, service: ServiceConfig, versionFilter: Filter): Promise<Image[]> {
  const extra = Object.entries(service.ami.filters).map(([Name, value]) => ({ Name, Values: [value] }));
  const input = { Owners: service.ami.owners, Filters: [versionFilter, ...extra] };
  const images = await callAws('DescribeImages', async () => {
    const found: SdkImage[] = [];
    for await (const page of paginateDescribeImages({ client: ec2 }, input)) found.push(...(page.Images ?? []));
    return found;
  });
  return images.map((image) => toImage(image, service)).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

function toImage(image: SdkImage, service: ServiceConfig): Image {
  const tags = tagRecord(image.Tags);
  return {
    imageId: image.ImageId ?? '',
    name: image.Name ?? image.ImageId ?? '',
    version: tags[service.ami.versionTag] ?? '',
    state: image.State ?? 'unknown',
    createdAt: image.CreationDate ?? '',
    commit: tags[service.ami.commitTag],
  };
}

export async function listImages(ec2: EC2Client, service: ServiceConfig, limit: number): Promise<Image[]> {
  const images = await describeImages(ec2, service, { Name: 'tag-key', Values: [service.ami.versionTag] });
  return images.slice(0, limit);
}

/** The newest available image of the version; failing that the newest in any state, so the caller can say why it cannot launch. */
export async function findImage(ec2: EC2Client, service: ServiceConfig, version: string): Promise<Image | null> {
  const images = await describeImages(ec2, service, { Name: `tag:${service.ami.versionTag}`, Values: [version] });
  return images.find((i) => i.state === 'available') ?? images[0] ?? null;
}
